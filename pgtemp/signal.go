package pgtemp

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// stopSignals end a process by default; StopOnSignal stops the server first.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// StopOnSignal stops s when the process receives SIGINT, SIGTERM or SIGHUP
// (terminal closed), then re-delivers the signal with its default action, so
// the process still dies of it (and the shell sees the usual exit status)
// but only after the server and its directory are gone. The watchdog would
// clean up anyway; doing it here is faster and leaves nothing behind even
// for a moment. Signals the process ignores (e.g. SIGHUP under nohup) stay
// ignored.
//
// Once the first signal arrives, these signals get their default action back
// for the whole process, so a second Ctrl-C during a slow Stop ends it at
// once (the watchdog then finishes the cleanup).
//
// Call the returned function to restore the previous signal handling, e.g.
// once Stop has run normally; it may be called more than once.
func StopOnSignal(s *Server) (release func()) {
	var sigs []os.Signal
	for _, sig := range stopSignals {
		if !signal.Ignored(sig) {
			sigs = append(sigs, sig)
		}
	}
	ch := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			signal.Reset(sigs...)
			_ = s.Stop()
			if ss, ok := sig.(syscall.Signal); ok {
				_ = syscall.Kill(os.Getpid(), ss)
			}
			// The signal is delivered asynchronously; give it time.
			time.Sleep(time.Second)
			os.Exit(1)
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
		})
	}
}
