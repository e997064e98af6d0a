package app

// worker runs slow work (anything that touches the database) off the UI
// goroutine; the work hands its results back with fyne.Do. Every screen
// shares the App's worker.
//
// Under the test driver there is no UI goroutine: fyne.Do runs its function
// at once, on the goroutine that calls it. The tests therefore set wait:
// each job still runs on a goroutine of its own (so the race detector sees
// the store's work off the UI goroutine), and run returns when it is done,
// so what the job handed back is on screen before the test looks.
type worker struct {
	wait bool
}

func (w *worker) run(fn func()) {
	if !w.wait {
		go fn()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}
