package app

// worker runs slow work (anything that touches the database) off the UI
// goroutine; the work hands its results back with fyne.Do. Every screen
// shares the App's worker, so tests can make the work synchronous.
type worker struct {
	sync bool
}

func (w *worker) run(fn func()) {
	if w.sync {
		fn()
		return
	}
	go fn()
}
