package conformance

// deploymentDefaults is the reason of every scenario that records a
// Deployment's body.
const deploymentDefaults = "Deployment defaulting (progressDeadlineSeconds, revisionHistoryLimit, strategy, pod template and container defaults) is type-specific defaulting from k8s.io/kubernetes, out of memserver's scope; the generic semantics the scenario is about match"

// KnownDiffs lists the scenarios where memserver is known to answer
// differently from kube-apiserver, each with the reason (the same list, in
// prose, is in test/memserver's doc.go). TestConformance fails on a
// mismatch not listed here, and on an entry that matches again.
var KnownDiffs = map[string]string{
	"apply/deployment-containers":           deploymentDefaults + " (containers merged by name between two appliers)",
	"objects/deployment-generation":         deploymentDefaults + " (generation 1, bumped by spec, not by labels)",
	"patch/strategic-delete-directive":      deploymentDefaults + " ($patch: delete removes one container)",
	"patch/strategic-deployment-containers": deploymentDefaults + " (containers merged by name)",
}
