package rest

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY opens a pseudo-terminal and returns its terminal (slave) side.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlock pty: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("pty number: %v", e)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

func TestExecPluginInteractiveOnATerminal(t *testing.T) {
	tty := openPTY(t)
	for _, mode := range []string{ExecInteractiveAlways, ExecInteractiveIfAvailable, ExecInteractiveNever} {
		t.Run(mode, func(t *testing.T) {
			srv := newAuthServer(t, nil)
			e, log := helperExec(t, "token:tok:0")
			e.InteractiveMode, e.Stdin, e.Stderr = mode, tty, tty
			srv.cfg.Exec = e
			resp, err := mustClient(t, srv.cfg).Do(context.Background(), &Request{Path: "/api"})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			runs := pluginRuns(t, log)
			if len(runs) != 1 {
				t.Fatalf("plugin ran %d times", len(runs))
			}
			got := runs[0]["spec"].(map[string]any)["interactive"]
			if want := mode != ExecInteractiveNever; got != want {
				t.Errorf("spec.interactive = %v, want %v", got, want)
			}
		})
	}
}
