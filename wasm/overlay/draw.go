//go:build js && wasm

package main

import (
	"fmt"
	"image"
	"image/color"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/mobilenet-go/mobilenet/wasm/overlay/hud"
)

// Colours are boxed once so drawing does not convert them per call. Text always sits
// on a dark translucent panel so it stays readable on any camera image.
var (
	background  color.Color = color.RGBA{0x12, 0x14, 0x18, 0xff}
	panel       color.Color = color.RGBA{0, 0, 0, 0xb0}
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
	src      *text.GoTextFaceSource
	face     *text.GoTextFace
	frame    *ebiten.Image
	imageOp  ebiten.DrawImageOptions
	textOp   text.DrawOptions
	fontSize float64
}

func newGame(src *text.GoTextFaceSource) *game {
	return &game{src: src, face: &text.GoTextFace{Source: src, Size: 16}}
}

func (g *game) Update() error { return nil }

// maxScreenWidth caps the drawing buffer: with software WebGL every pixel of every
// redraw costs CPU that inference needs, and the camera frame is 640 wide anyway.
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
	g.setFontSize(min(max(min(w, h)/26, 11), w/36, 40))
	t0 := time.Now()
	screen.Fill(background)
	g.drawFrame(screen, w, h)
	t1 := time.Now()
	g.drawPredictions(screen, w)
	t2 := time.Now()
	g.drawLatency(screen, w, h)
	t3 := time.Now()
	st.drawMs = [3]float64{ms(t1.Sub(t0)), ms(t2.Sub(t1)), ms(t3.Sub(t2))}
	if st.status != "" {
		g.drawStatus(screen, w, h)
	} else if st.frameW == 0 {
		g.drawStatus(screen, w, h, "Waiting for the camera…")
	}
}

func (g *game) setFontSize(px float64) {
	px = float64(int(px)) // whole pixels: fewer glyph-cache entries
	if px != g.fontSize {
		g.fontSize = px
		g.face = &text.GoTextFace{Source: g.src, Size: px}
	}
}

// drawFrame fits the latest camera frame into the screen, letterboxed.
func (g *game) drawFrame(screen *ebiten.Image, w, h float64) {
	if st.frameDirty {
		if g.frame == nil || g.frame.Bounds().Dx() != st.frameW || g.frame.Bounds().Dy() != st.frameH {
			if g.frame != nil {
				g.frame.Deallocate()
			}
			// Unmanaged: kept off ebiten's texture atlas, so a full rewrite every
			// frame is a plain texture upload without atlas bookkeeping and copies.
			g.frame = ebiten.NewImageWithOptions(image.Rect(0, 0, st.frameW, st.frameH), &ebiten.NewImageOptions{Unmanaged: true})
		}
		g.frame.WritePixels(st.pix)
		st.frameDirty = false
	}
	if g.frame == nil {
		return
	}
	fw, fh := float64(g.frame.Bounds().Dx()), float64(g.frame.Bounds().Dy())
	scale := min(w/fw, h/fh)
	op := &g.imageOp
	op.GeoM.Reset()
	op.GeoM.Scale(scale, scale)
	op.GeoM.Translate((w-fw*scale)/2, (h-fh*scale)/2)
	op.Filter = ebiten.FilterLinear
	screen.DrawImage(g.frame, op)
}

func (g *game) text(screen *ebiten.Image, s string, x, y float64, c color.RGBA, align text.Align) {
	op := &g.textOp
	op.GeoM.Reset()
	op.GeoM.Translate(x, y)
	op.ColorScale.Reset()
	op.ColorScale.ScaleWithColor(c)
	op.PrimaryAlign = align
	text.Draw(screen, s, g.face, op)
}

// drawPredictions: top-left panel, one row per class: label, percentage, bar.
func (g *game) drawPredictions(screen *ebiten.Image, w float64) {
	if st.npreds == 0 {
		return
	}
	fs := g.fontSize
	pad, row := fs*0.5, fs*1.9
	pw := min(w-2*pad, fs*22)
	ph := pad*2 + row*float64(st.npreds)
	x0, y0 := pad, pad
	fillRect(screen, x0, y0, pw, ph, panel)
	inner := pw - 2*pad
	for i := range st.npreds {
		p := st.preds[i]
		y := y0 + pad + row*float64(i)
		pct := strconv.FormatFloat(p.probability*100, 'f', 1, 64)
		pctW := g.runeWidth(pct) + text.Advance("%", g.face)
		g.text(screen, fit(p.label, inner-pctW-fs*0.5, g.face), x0+pad, y, textColor, text.AlignStart)
		g.run(screen, x0+pad+inner-pctW, y, textColor, "", pct, "%")
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
	fs := g.fontSize
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
		g.text(screen, hud.Ms(scaleMs), sx, sy, dimColor, text.AlignStart)
	}

	ty := sy + sparkH + pad
	if last, ok := hist.Last(); ok {
		x := sx
		x = g.run(screen, x, ty, textColor, "capture ", hud.Ms(last.Capture), " · preprocess ", hud.Ms(last.Preprocess))
		g.run(screen, x, ty, textColor, " · inference ", hud.Ms(last.Inference), " · total ", hud.Ms(last.Total))
		x = g.run(screen, sx, ty+line, textColor, "p50 ", hud.Ms(hist.Percentile(50)), " · p95 ", hud.Ms(hist.Percentile(95)),
			" · ", strconv.FormatFloat(hist.FPS(2000), 'f', 1, 64))
		g.run(screen, x, ty+line, textColor, " fps · ", strconv.Itoa(st.frames), " frames · ", strconv.Itoa(st.dropped), " dropped")
	} else {
		g.text(screen, "no frames yet", sx, ty, dimColor, text.AlignStart)
	}
	if m := st.model; m.size > 0 {
		g.text(screen, fmt.Sprintf("α %.2f · ρ %d · %s mult-adds · %s params · %s ×%d",
			m.alpha, m.size, hud.Count(m.multAdds), hud.Count(m.params), m.backend, max(m.workers, 1)), sx, ty+2*line, dimColor, text.AlignStart)
	}
}

func (g *game) drawStatus(screen *ebiten.Image, w, h float64, msg ...string) {
	s := st.status
	if len(msg) > 0 {
		s = msg[0]
	}
	s = fit(s, w*0.9, g.face)
	tw := text.Advance(s, g.face)
	fs := g.fontSize
	fillRect(screen, (w-tw)/2-fs*0.6, h/2-fs*0.9, tw+fs*1.2, fs*1.8, panel)
	g.text(screen, s, w/2, h/2-fs*0.6, statusColor, text.AlignCenter)
}

// run draws parts left to right from x and returns the x after them. Even-indexed
// parts are fixed labels, drawn whole; odd-indexed parts are changing values, drawn one
// character at a time so that ebiten's text cache (keyed by string) holds a few dozen
// characters instead of a new entry for every number of every frame.
func (g *game) run(screen *ebiten.Image, x, y float64, c color.RGBA, parts ...string) float64 {
	for i, p := range parts {
		if i%2 == 0 {
			if p != "" {
				g.text(screen, p, x, y, c, text.AlignStart)
				x += text.Advance(p, g.face)
			}
			continue
		}
		for j := 0; j < len(p); {
			_, n := utf8.DecodeRuneInString(p[j:])
			ch := p[j : j+n]
			g.text(screen, ch, x, y, c, text.AlignStart)
			x += text.Advance(ch, g.face)
			j += n
		}
	}
	return x
}

// runeWidth is the advance of s drawn one character at a time (see run).
func (g *game) runeWidth(s string) float64 {
	w := 0.0
	for j := 0; j < len(s); {
		_, n := utf8.DecodeRuneInString(s[j:])
		w += text.Advance(s[j:j+n], g.face)
		j += n
	}
	return w
}

func fillRect(dst *ebiten.Image, x, y, w, h float64, c color.Color) {
	vector.FillRect(dst, float32(x), float32(y), float32(w), float32(h), c, false)
}

// fit shortens s with an ellipsis until it is at most width pixels wide.
func fit(s string, width float64, face text.Face) string {
	if text.Advance(s, face) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		t := string(r) + "…"
		if text.Advance(t, face) <= width {
			return t
		}
	}
	return "…"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
