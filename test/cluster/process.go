package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is one started program: etcd or kube-apiserver.
type child struct {
	name   string
	cmd    *exec.Cmd
	log    string        // path of its combined output
	exited chan struct{} // closed when it has exited
	err    error         // its exit error, valid after exited is closed
}

// startChild starts bin with args, output to logPath. The child runs in its own
// process group and is killed by the kernel if the thread that started it dies
// (Pdeathsig), so a crashed or killed parent leaves no server behind.
func startChild(name, bin, logPath string, args []string) (*child, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	c := &child{name: name, cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		logf.Close()
		close(c.exited)
	}()
	return c, nil
}

// stop sends SIGTERM to the child's process group, then SIGKILL after grace.
func (c *child) stop(grace time.Duration) {
	if c == nil {
		return
	}
	pgid := c.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-c.exited
	}
}

// logTail returns the last lines of the child's output, for error messages.
func (c *child) logTail() string {
	data, _ := os.ReadFile(c.log)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 25 {
		lines = lines[len(lines)-25:]
	}
	return strings.Join(lines, "\n")
}

// runRecord is what a running control plane leaves in the run directory, so
// that a later start can sweep what a crashed run left behind.
type runRecord struct {
	OwnerPID int      `json:"ownerPID"`
	Dir      string   `json:"dir"`
	PIDs     []int    `json:"pids"`
	Binaries []string `json:"binaries"`
}

func runDir() string { return filepath.Join(CacheDir(), "run") }

func writeRunRecord(r runRecord) (string, error) {
	if err := os.MkdirAll(runDir(), 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(runDir(), fmt.Sprintf("%d-%s.json", r.OwnerPID, filepath.Base(r.Dir)))
	data, _ := json.Marshal(r)
	return path, os.WriteFile(path, data, 0o644)
}

// sweepStale stops the servers and removes the temp dirs of control planes
// whose owning process is gone. A PID is killed only if it still runs one of
// the recorded binaries, so a reused PID is never hit.
func sweepStale() []string {
	entries, _ := os.ReadDir(runDir())
	var swept []string
	for _, e := range entries {
		path := filepath.Join(runDir(), e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var r runRecord
		if json.Unmarshal(data, &r) != nil {
			os.Remove(path)
			continue
		}
		if processAlive(r.OwnerPID) {
			continue
		}
		for _, pid := range r.PIDs {
			if runsOneOf(pid, r.Binaries) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				swept = append(swept, fmt.Sprintf("pid %d", pid))
			}
		}
		if r.Dir != "" && strings.Contains(filepath.Base(r.Dir), "kubedyn-cp-") {
			os.RemoveAll(r.Dir)
			swept = append(swept, r.Dir)
		}
		os.Remove(path)
	}
	return swept
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// A zombie is not alive for our purposes.
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err == nil {
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	return true
}

func runsOneOf(pid int, bins []string) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil {
		return false
	}
	exe = strings.TrimSuffix(exe, " (deleted)")
	for _, b := range bins {
		if exe == b {
			return true
		}
	}
	return false
}
