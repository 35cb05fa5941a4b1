package bench

import (
	"github.com/kubedyn/kubedyn/dynamic"
	clientgodynamic "k8s.io/client-go/dynamic"
)

// kubedyn's namespaced resource handle is a drop-in for client-go's
// dynamic.ResourceInterface: code written against client-go's dynamic
// client accepts it unchanged.
var _ clientgodynamic.ResourceInterface = (*dynamic.ResourceHandle)(nil)
