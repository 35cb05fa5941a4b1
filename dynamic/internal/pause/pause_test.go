package pause

import (
	"context"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	b := &Backoff{First: 100 * time.Millisecond, Max: time.Second}
	steps := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, step := range steps {
		step *= time.Millisecond
		if d := b.Next(); d < step/2 || d > step {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, step/2, step)
		}
	}
	b.Reset()
	if d := b.Next(); d < 50*time.Millisecond || d > 100*time.Millisecond {
		t.Errorf("after Reset: %v, want within [50ms, 100ms]", d)
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep on a done context reported that the hour passed")
	}
	if !Sleep(context.Background(), 0) {
		t.Error("Sleep(0) reported the context done")
	}
}
