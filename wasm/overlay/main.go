//go:build js && wasm

// Command overlay is the live page's HUD, drawn with ebiten inside a same-origin
// <iframe> (web/overlay.html): the camera frame, the top-5 with probability bars, the
// latency of every frame (per stage, sparkline, p50/p95, fps, dropped frames) and the
// model's alpha/rho with its mult-adds and parameters. The parent page pushes frames
// and results through overlayUpdate (bridge.go); the overlay redraws only then, so it
// leaves the CPU to the classifier workers.
package main

import (
	"bytes"
	"log"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font/gofont/goregular"
)

func main() {
	src, err := text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
	if err != nil {
		log.Fatal(err)
	}
	installBridge()
	// Draw only when ScheduleFrame is called (by the bridge) or on input: a 60 fps
	// software-WebGL loop measurably slows inference on small machines.
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetWindowTitle("MobileNet overlay")
	if err := ebiten.RunGame(newGame(src)); err != nil {
		log.Fatal(err)
	}
}
