package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
)

// superviseEnv, when set in a process's environment, makes Main run a
// supervisor instead of tests: it starts a control plane with the Options
// JSON-encoded in the variable, prints "READY <kubeconfig>" on stdout, and
// stops the control plane when its stdin closes (its parent exited, however it
// exited) or it receives SIGTERM/SIGINT.
const superviseEnv = "KUBEDYN_CLUSTER_SUPERVISE"

// supervised is a control plane run by a supervisor child process.
type supervised struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	env   *Env
}

// startSupervised starts the current executable as a supervisor and waits
// until its control plane is ready. If this process dies, the supervisor's
// stdin closes and it cleans up: no server and no temp dir is left behind.
func startSupervised(ctx context.Context, opts Options) (*supervised, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cfg, _ := json.Marshal(opts)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), superviseEnv+"="+string(cfg))
	cmd.Stderr = os.Stderr
	// No Pdeathsig: it follows the thread, not the process, that started the
	// child. The stdin pipe closes when this process exits, however it exits.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start control-plane supervisor: %w", err)
	}
	s := &supervised{cmd: cmd, stdin: stdin}
	line, err := readReady(ctx, stdout)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.env, err = LoadEnv(line)
	if err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// readReady reads the supervisor's first stdout line: "READY <kubeconfig>" or "ERROR <message>".
func readReady(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		ch <- result{strings.TrimSpace(line), err}
	}()
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("start control plane: %w", ctx.Err())
	case res := <-ch:
		switch {
		case strings.HasPrefix(res.line, "READY "):
			return strings.TrimPrefix(res.line, "READY "), nil
		case strings.HasPrefix(res.line, "ERROR "):
			return "", fmt.Errorf("%s", strings.TrimPrefix(res.line, "ERROR "))
		default:
			return "", fmt.Errorf("start control plane: supervisor exited without a ready line (%q, %v)", res.line, res.err)
		}
	}
}

// stop closes the supervisor's stdin and waits for it to clean up.
func (s *supervised) stop() {
	s.stdin.Close()
	_ = s.cmd.Wait()
}

// runSupervisor is the body of a supervisor process; it returns the exit code.
func runSupervisor(spec string) int {
	var opts Options
	if err := json.Unmarshal([]byte(spec), &opts); err != nil {
		fmt.Printf("ERROR bad %s: %v\n", superviseEnv, err)
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	cp, err := Start(ctx, opts)
	if err != nil {
		fmt.Printf("ERROR %s\n", strings.ReplaceAll(err.Error(), "\n", " | "))
		return 1
	}
	defer cp.Stop()
	fmt.Printf("READY %s\n", cp.Env().Kubeconfig)
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-stdinClosed:
	case <-ctx.Done():
	}
	return 0
}
