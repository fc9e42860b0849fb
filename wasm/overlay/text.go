//go:build js && wasm

package main

import (
	"image"
	"image/color"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/mobilenet-go/mobilenet/wasm/overlay/hud"
)

// textDrawer draws strings from a cache of white glyph images, tinted per call with a
// colour scale. ebiten packs the small glyph images into one atlas texture, so a whole
// HUD of text is a handful of draw calls; the cache holds only the characters shown
// (a few dozen), so it stays flat however many different numbers go by.
type textDrawer struct {
	glyphs *hud.Glyphs
	cache  map[rune]cachedGlyph
	op     ebiten.DrawImageOptions
}

type cachedGlyph struct {
	img     *ebiten.Image // nil for a blank glyph
	x, y    float64
	advance float64
}

func newTextDrawer(g *hud.Glyphs) *textDrawer {
	return &textDrawer{glyphs: g, cache: map[rune]cachedGlyph{}}
}

// setSize changes the pixel size, dropping the cached glyphs if it changed.
func (t *textDrawer) setSize(px float64) {
	changed, err := t.glyphs.SetSize(px)
	if err != nil || !changed {
		return
	}
	for r, g := range t.cache {
		if g.img != nil {
			g.img.Deallocate()
		}
		delete(t.cache, r)
	}
}

func (t *textDrawer) glyph(r rune) cachedGlyph {
	if g, ok := t.cache[r]; ok {
		return g
	}
	gl := t.glyphs.Render(r)
	g := cachedGlyph{x: float64(gl.X), y: float64(gl.Y), advance: gl.Advance}
	if gl.Mask != nil {
		b := gl.Mask.Bounds()
		rgba := image.NewRGBA(b)
		for i, a := range gl.Mask.Pix {
			// Premultiplied white: the colour scale tints it.
			copy(rgba.Pix[4*i:4*i+4], []byte{a, a, a, a})
		}
		g.img = ebiten.NewImageFromImage(rgba)
	}
	t.cache[r] = g
	return g
}

// advance is the width of s in pixels.
func (t *textDrawer) advance(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += t.glyph(r).advance
	}
	return w
}

// draw puts s with its top-left corner at (x, y) (the line's top, not its
// baseline) and returns the x after it.
func (t *textDrawer) draw(dst *ebiten.Image, s string, x, y float64, c color.RGBA) float64 {
	base := y + t.glyphs.Ascent()
	op := &t.op
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		g := t.glyph(r)
		if g.img != nil {
			op.GeoM.Reset()
			op.GeoM.Translate(float64(int(x+0.5))+g.x, base+g.y)
			op.ColorScale.Reset()
			op.ColorScale.ScaleWithColor(c)
			dst.DrawImage(g.img, op)
		}
		x += g.advance
	}
	return x
}

// fit shortens s with an ellipsis until it is at most width pixels wide.
func (t *textDrawer) fit(s string, width float64) string {
	if t.advance(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if c := string(r) + "…"; t.advance(c) <= width {
			return c
		}
	}
	return "…"
}
