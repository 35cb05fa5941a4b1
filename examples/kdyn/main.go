package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit code other than 1 (diff's 1 for "differences
// found", 2 for its errors), and whether the message was already printed.
type exitError struct {
	code   int
	err    error
	silent bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// run executes one kdyn command line and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSession(ctx, newSession(stdin, stdout, stderr), args)
}

// runSession executes one command line in session s (tests give one whose
// writes are recorded) and returns the process exit code.
func runSession(ctx context.Context, s *session, args []string) int {
	stderr := s.errOut
	root := newRootCommand(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.silent {
			return code
		}
		if ee.err != nil {
			err = ee.err
		}
	}
	fmt.Fprintln(stderr, errorLine(err))
	return code
}

// newRootCommand builds the command tree of session s with its global
// flags.
func newRootCommand(s *session) *cobra.Command {
	root := &cobra.Command{
		Use:   "kdyn",
		Short: "kdyn talks to any Kubernetes API server about any resource, built-in or custom",
		Long: `kdyn is a kubectl-like client built on kubedyn: discovery, a REST mapper
and a dynamic client, with no compiled-in types. Its output matches kubectl 1.37's.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	s.flags.addFlags(root)
	root.AddCommand(
		newAPIResourcesCommand(s),
		newAPIVersionsCommand(s),
		newGetCommand(s),
		newApplyCommand(s),
		newPatchCommand(s),
		newDeleteCommand(s),
		newDiffCommand(s),
		newExplainCommand(s),
		newBlameCommand(s),
	)
	return root
}
