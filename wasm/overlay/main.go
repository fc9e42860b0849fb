//go:build js && wasm

// Command overlay is the live page's HUD, drawn with ebiten on a transparent canvas
// inside a same-origin <iframe> (web/overlay.html) that lies over the page's <video>:
// the top-5 with probability bars, the latency of every frame (per stage, sparkline,
// p50/p95, fps, dropped frames) and the model's alpha/rho with its mult-adds and
// parameters. It never receives camera pixels. The page pushes results through
// overlayUpdate (bridge.go); the overlay redraws only then, so it leaves the CPU to
// the classifier workers.
package main

import (
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/mobilenet-go/mobilenet/wasm/overlay/hud"
)

func main() {
	glyphs, err := hud.NewGlyphs(goregular.TTF)
	if err != nil {
		fail(err)
		return
	}
	installBridge()
	// Draw only when ScheduleFrame is called (by the bridge) or on input: a 60 fps
	// software-WebGL loop measurably slows inference on small machines.
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetWindowTitle("MobileNet overlay")
	if err := ebiten.RunGameWithOptions(newGame(glyphs), &ebiten.RunGameOptions{ScreenTransparent: true}); err != nil {
		fail(err)
	}
}

// fail tells overlay.html why the HUD stopped (it shows one line and the page keeps
// its DOM read-out) instead of log.Fatal, whose exit leaves the page calling into a
// Go program that has gone.
func fail(err error) {
	js.Global().Delete("overlayUpdate")
	if f := js.Global().Get("overlayFailed"); f.Type() == js.TypeFunction {
		f.Invoke(err.Error())
	}
}
