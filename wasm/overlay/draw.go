//go:build js && wasm

package main

import (
	"fmt"
	"image/color"
	"strconv"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/mobilenet-go/mobilenet/wasm/overlay/hud"
)

// Colours are boxed once so drawing does not convert them per call. The screen is
// transparent (the page's <video> shows through); text always sits on a dark
// translucent panel so it stays readable on any camera image.
var (
	panel       color.Color = color.RGBA{0, 0, 0, 0xa0}
	barTrack    color.Color = color.RGBA{0x60, 0x60, 0x60, 0x90}
	barTop      color.Color = color.RGBA{0x3c, 0xd0, 0x70, 0xff}
	barOther    color.Color = color.RGBA{0x4a, 0x9a, 0xf0, 0xff}
	capColor    color.Color = color.RGBA{0x9a, 0xa4, 0xb4, 0xff}
	preColor    color.Color = color.RGBA{0xf0, 0xc8, 0x40, 0xff}
	infColor    color.Color = color.RGBA{0xf0, 0x80, 0x30, 0xff}
	otherColor  color.Color = color.RGBA{0x70, 0x70, 0x80, 0xff}
	textColor               = color.RGBA{0xf4, 0xf4, 0xf4, 0xff}
	dimColor                = color.RGBA{0xb8, 0xbe, 0xc8, 0xff}
	statusColor             = color.RGBA{0xff, 0xd8, 0x60, 0xff}
)

type game struct {
	text *textDrawer
}

func newGame(g *hud.Glyphs) *game { return &game{text: newTextDrawer(g)} }

func (g *game) Update() error { return nil }

// maxScreenWidth caps the drawing buffer: with software WebGL every pixel of every
// redraw (and of the compositing of a transparent canvas) costs CPU that inference
// needs; the HUD's text is still crisp at this size.
const maxScreenWidth = 1280

// Layout renders at device pixels (crisp text on high-DPI screens) up to maxScreenWidth.
func (g *game) Layout(outsideW, outsideH int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if outsideW > 0 && float64(outsideW)*s > maxScreenWidth {
		s = maxScreenWidth / float64(outsideW)
	}
	return max(int(float64(outsideW)*s), 1), max(int(float64(outsideH)*s), 1)
}

func (g *game) Draw(screen *ebiten.Image) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.draws++

	w, h := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	// One font size for everything, from the smaller side, capped so the widest
	// latency line (about 36 em) fits the width.
	g.text.setSize(min(max(min(w, h)/26, 11), w/36, 40))
	t0 := time.Now()
	g.drawPredictions(screen, w)
	t1 := time.Now()
	g.drawLatency(screen, w, h)
	t2 := time.Now()
	st.drawMs = [2]float64{ms(t1.Sub(t0)), ms(t2.Sub(t1))}
	if st.status != "" {
		g.drawStatus(screen, w, h, st.status)
	}
}

func (g *game) fontSize() float64 { return g.text.glyphs.Size() }

// drawPredictions: top-left panel, one row per class: label, percentage, bar.
func (g *game) drawPredictions(screen *ebiten.Image, w float64) {
	if st.npreds == 0 {
		return
	}
	fs := g.fontSize()
	pad, row := fs*0.5, fs*1.9
	pw := min(w-2*pad, fs*22)
	ph := pad*2 + row*float64(st.npreds)
	x0, y0 := pad, pad
	fillRect(screen, x0, y0, pw, ph, panel)
	inner := pw - 2*pad
	for i := range st.npreds {
		p := st.preds[i]
		y := y0 + pad + row*float64(i)
		pct := strconv.FormatFloat(p.probability*100, 'f', 1, 64) + "%"
		pctW := g.text.advance(pct)
		g.text.draw(screen, g.text.fit(p.label, inner-pctW-fs*0.5), x0+pad, y, textColor)
		g.text.draw(screen, pct, x0+pad+inner-pctW, y, textColor)
		barY, barH := y+fs*1.25, fs*0.35
		fillRect(screen, x0+pad, barY, inner, barH, barTrack)
		c := barOther
		if i == 0 {
			c = barTop
		}
		fillRect(screen, x0+pad, barY, inner*min(max(p.probability, 0), 1), barH, c)
	}
}

// drawLatency: bottom panel with the sparkline of per-frame cost (stacked by stage),
// the newest frame's stages, p50/p95/fps/dropped and the model line.
func (g *game) drawLatency(screen *ebiten.Image, w, h float64) {
	fs := g.fontSize()
	pad, line := fs*0.5, fs*1.35
	sparkH := fs * 2.4
	ph := pad*3 + sparkH + line*3
	x0, y0 := pad, h-pad-ph
	pw := w - 2*pad
	fillRect(screen, x0, y0, pw, ph, panel)

	hist := st.hist
	scaleMs := hud.NiceCeil(hist.MaxTotal())
	sx, sy, sw := x0+pad, y0+pad, pw-2*pad
	if hist.Len() > 0 && scaleMs > 0 {
		bw := sw / float64(hist.Cap())
		k := sparkH / scaleMs
		for i := range hist.Len() {
			t := hist.At(i)
			bx := sx + sw - float64(hist.Len()-i)*bw // newest at the right edge
			base := sy + sparkH
			for _, seg := range [...]struct {
				ms float64
				c  color.Color
			}{{t.Capture, capColor}, {t.Preprocess, preColor}, {t.Inference, infColor}, {t.Total - t.Capture - t.Preprocess - t.Inference, otherColor}} {
				if seg.ms <= 0 {
					continue
				}
				hh := min(seg.ms*k, base-sy)
				fillRect(screen, bx, base-hh, max(bw-1, 1), hh, seg.c)
				base -= hh
			}
		}
		g.text.draw(screen, hud.Ms(scaleMs), sx, sy, dimColor)
	}

	ty := sy + sparkH + pad
	if last, ok := hist.Last(); ok {
		g.text.draw(screen, "capture "+hud.Ms(last.Capture)+" · preprocess "+hud.Ms(last.Preprocess)+
			" · inference "+hud.Ms(last.Inference)+" · total "+hud.Ms(last.Total), sx, ty, textColor)
		g.text.draw(screen, "p50 "+hud.Ms(hist.Percentile(50))+" · p95 "+hud.Ms(hist.Percentile(95))+" · "+
			strconv.FormatFloat(hist.FPS(2000), 'f', 1, 64)+" fps · "+strconv.Itoa(st.frames)+" frames · "+
			strconv.Itoa(st.dropped)+" dropped", sx, ty+line, textColor)
	} else {
		g.text.draw(screen, "no frames yet", sx, ty, dimColor)
	}
	if m := st.model; m.size > 0 {
		g.text.draw(screen, fmt.Sprintf("α %.2f · ρ %d · %s mult-adds · %s params · %s ×%d",
			m.alpha, m.size, hud.Count(m.multAdds), hud.Count(m.params), m.backend, max(m.workers, 1)), sx, ty+2*line, dimColor)
	}
}

func (g *game) drawStatus(screen *ebiten.Image, w, h float64, s string) {
	s = g.text.fit(s, w*0.9)
	tw := g.text.advance(s)
	fs := g.fontSize()
	fillRect(screen, (w-tw)/2-fs*0.6, h/2-fs*0.9, tw+fs*1.2, fs*1.8, panel)
	g.text.draw(screen, s, (w-tw)/2, h/2-fs*0.6, statusColor)
}

func fillRect(dst *ebiten.Image, x, y, w, h float64, c color.Color) {
	vector.FillRect(dst, float32(x), float32(y), float32(w), float32(h), c, false)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
