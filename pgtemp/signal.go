package pgtemp

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// StopOnSignal stops s when the process receives SIGINT or SIGTERM, then
// re-delivers the signal with its default action, so the process still dies
// of it (and the shell sees the usual exit status) but only after the server
// and its directory are gone. The watchdog would clean up anyway; doing it
// here is faster and leaves nothing behind even for a moment.
//
// Call the returned function to restore the previous signal handling, e.g.
// once Stop has run normally.
func StopOnSignal(s *Server) (release func()) {
	ch := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-ch:
			_ = s.Stop()
			signal.Reset(sig)
			if ss, ok := sig.(syscall.Signal); ok {
				_ = syscall.Kill(os.Getpid(), ss)
			}
			// The signal is delivered asynchronously; give it time, and
			// exit anyway if it was ignored (e.g. SIG_IGN from nohup).
			time.Sleep(time.Second)
			os.Exit(1)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
