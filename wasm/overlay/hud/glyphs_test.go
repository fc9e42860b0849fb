package hud

import (
	"testing"

	"golang.org/x/image/font/gofont/goregular"
)

// The HUD's characters all render: visible ink for letters, digits and the symbols
// it uses, a blank but advancing space, and sizes that follow SetSize.
func TestGlyphsRenderTheHUDCharacters(t *testing.T) {
	g, err := NewGlyphs(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := g.SetSize(16); err != nil || !changed {
		t.Fatalf("SetSize(16) = %v, %v", changed, err)
	}
	if changed, _ := g.SetSize(16.2); changed {
		t.Fatal("16.2 px rounds to the current 16 px: no change expected")
	}
	for _, r := range "Aa09%.·αρ×…–" {
		gl := g.Render(r)
		if gl.Mask == nil || gl.Advance <= 0 {
			t.Fatalf("%q: mask %v advance %v", r, gl.Mask != nil, gl.Advance)
		}
		// Ink sits around the baseline: tops above it, within a line's height.
		if gl.Y > 2 || -gl.Y > 20 {
			t.Fatalf("%q: top %d px from the baseline", r, gl.Y)
		}
	}
	if sp := g.Render(' '); sp.Mask != nil || sp.Advance <= 0 {
		t.Fatalf("space: mask %v advance %v", sp.Mask != nil, sp.Advance)
	}
	small := g.Render('M')
	if _, err := g.SetSize(32); err != nil {
		t.Fatal(err)
	}
	big := g.Render('M')
	if r := big.Advance / small.Advance; r < 1.9 || r > 2.1 {
		t.Fatalf("advance of M at 32 px / 16 px = %v, want about 2", r)
	}
	if g.Ascent() < 25 || g.Ascent() > 35 {
		t.Fatalf("ascent at 32 px = %v", g.Ascent())
	}
}

func TestGlyphsRejectsABrokenFont(t *testing.T) {
	if _, err := NewGlyphs([]byte("not a font")); err == nil {
		t.Fatal("want an error for bytes that are no font")
	}
}
