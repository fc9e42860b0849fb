package hud

import (
	"fmt"
	"image"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Glyphs rasterises one TrueType font at one pixel size, a rune at a time, for the
// overlay's own glyph cache. It replaces ebiten's text/v2 package, which links the
// go-text shaper (about 2 MB of wasm) for what is here a few dozen Latin and Greek
// characters drawn left to right without ligatures.
type Glyphs struct {
	font *opentype.Font
	face font.Face
	size float64
}

// Glyph is one rasterised character: Mask is its coverage (nil for blank glyphs such
// as the space), placed at (X, Y) relative to the pen on the baseline; Advance moves
// the pen.
type Glyph struct {
	Mask    *image.Alpha
	X, Y    int
	Advance float64
}

// NewGlyphs parses a TrueType/OpenType font (for example gofont's goregular.TTF).
func NewGlyphs(ttf []byte) (*Glyphs, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("hud: parse font: %w", err)
	}
	return &Glyphs{font: f}, nil
}

// SetSize picks the pixel size (em height); whole pixels keep glyphs on the pixel
// grid. It reports whether the size changed (a cache of masks must then be dropped).
func (g *Glyphs) SetSize(px float64) (bool, error) {
	px = math.Max(1, math.Round(px))
	if g.face != nil && px == g.size {
		return false, nil
	}
	face, err := opentype.NewFace(g.font, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return false, fmt.Errorf("hud: face at %v px: %w", px, err)
	}
	if g.face != nil {
		g.face.Close()
	}
	g.face, g.size = face, px
	return true, nil
}

// Size is the current pixel size (0 before SetSize).
func (g *Glyphs) Size() float64 { return g.size }

// Ascent is the distance from the top of a line to its baseline, in pixels.
func (g *Glyphs) Ascent() float64 { return float64(g.face.Metrics().Ascent) / 64 }

// Render rasterises r; a rune the font lacks renders as the font's missing glyph.
func (g *Glyphs) Render(r rune) Glyph {
	dr, mask, maskp, adv, _ := g.face.Glyph(fixed.Point26_6{}, r)
	out := Glyph{X: dr.Min.X, Y: dr.Min.Y, Advance: float64(adv) / 64}
	if dr.Empty() || mask == nil {
		return out
	}
	// Copy: the face reuses its mask buffer for the next glyph.
	a := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
	blank := true
	for y := range dr.Dy() {
		for x := range dr.Dx() {
			v := alphaAt(mask, maskp.X+x, maskp.Y+y)
			a.Pix[y*a.Stride+x] = v
			blank = blank && v == 0
		}
	}
	if !blank {
		out.Mask = a
	}
	return out
}

func alphaAt(m image.Image, x, y int) uint8 {
	if a, ok := m.(*image.Alpha); ok {
		return a.AlphaAt(x, y).A
	}
	_, _, _, al := m.At(x, y).RGBA()
	return uint8(al >> 8)
}
