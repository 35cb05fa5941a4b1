// Command memserver serves an in-process Kubernetes API server until
// interrupted, writing its kubeconfig to the file -kubeconfig names:
//
//	go run ./test/memserver/cmd/memserver -kubeconfig /tmp/mem.kubeconfig
//	KUBECONFIG=/tmp/mem.kubeconfig kubectl get ns
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubedyn/kubedyn/test/memserver"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "write the server's kubeconfig to this file (required)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	if err := run(*kubeconfig, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "memserver:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, addr string) error {
	if kubeconfig == "" {
		return fmt.Errorf("-kubeconfig FILE is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := memserver.Start(ctx, memserver.Options{Addr: addr})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := os.WriteFile(kubeconfig, s.Kubeconfig(), 0o600); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	fmt.Fprintf(os.Stderr, "memserver: serving %s (Kubernetes %s); kubeconfig in %s; Ctrl-C stops\n", s.URL(), s.Version(), kubeconfig)
	<-ctx.Done()
	return nil
}
