package nn_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"nabla/nn"
)

// FuzzParse: Parse never panics; what it accepts has positive sizes, at most MaxParams
// parameters and a canonical String that parses back to the same network; what it refuses
// is one of nn's architecture errors.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"784-30-10", "4-8-8-3:tanh,relu,sigmoid", "4-8-3:tanh", " 2-3-1 : sigmoid , identity ",
		"2-1:SIGMOID", "", "4", "4-0-3", "4--3", "4-3:softmax", "4-3-2:relu,relu,relu",
		"1000000-1000000-1", "1-1:linear", "3-2:", "3-2:,", "+3-2", "0x10-2", "1_000-2",
		"9223372036854775807-9223372036854775807", "5-5-5-5-5-5-5-5-5-5-5-5:none",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arch string) {
		net, err := nn.Parse(arch)
		if err != nil {
			if net != nil {
				t.Fatalf("Parse(%q) returned a network and an error", arch)
			}
			if !errors.Is(err, nn.ErrArchitecture) && !errors.Is(err, nn.ErrUnknownActivation) && !errors.Is(err, nn.ErrTooLarge) {
				t.Fatalf("Parse(%q): error %v matches none of nn's architecture errors", arch, err)
			}
			if utf8.ValidString(arch) && strings.Contains(err.Error(), "\n") && !strings.Contains(arch, "\n") {
				t.Fatalf("Parse(%q): error spans lines: %q", arch, err)
			}
			return
		}
		if n := net.NumParams(); n < 2 || n > nn.MaxParams {
			t.Fatalf("Parse(%q): %d parameters", arch, n)
		}
		for _, s := range net.Sizes() {
			if s < 1 {
				t.Fatalf("Parse(%q): size %d", arch, s)
			}
		}
		canon := net.String()
		again, err := nn.Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, which does not parse: %v", arch, canon, err)
		}
		if again.String() != canon || again.NumParams() != net.NumParams() {
			t.Fatalf("Parse(%q) = %s, round trip gives %s", arch, canon, again)
		}
		for _, i := range []int{0, net.NumParams() / 2, net.NumParams() - 1} {
			name := net.ParamName(i)
			j, err := net.ParamIndex(name)
			if err != nil || j != i {
				t.Fatalf("%s: ParamIndex(ParamName(%d) = %q) = %d, %v", canon, i, name, j, err)
			}
		}
	})
}

// FuzzParamIndex: ParamIndex never panics on any name; a name it accepts is in range and
// ParamName gives it back in canonical form.
func FuzzParamIndex(f *testing.F) {
	for _, s := range []string{"W1[1,1]", "b2[3]", "W2[3,1]", " W1 [ 2 , 3 ] ", "W3[1,1]", "b1[0]", "W1[1]", "b1[1,1]", "W1[", "[1]", "W1[-1,2]", "W1[1,99999999999999999999]"} {
		f.Add("4-3-2:tanh,relu", s)
	}
	f.Fuzz(func(t *testing.T, arch, name string) {
		net, err := nn.Parse(arch)
		if err != nil || net.NumParams() > 1<<16 {
			return
		}
		i, err := net.ParamIndex(name)
		if err != nil {
			if !errors.Is(err, nn.ErrUnknownParam) {
				t.Fatalf("ParamIndex(%q): error %v does not match ErrUnknownParam", name, err)
			}
			return
		}
		if i < 0 || i >= net.NumParams() {
			t.Fatalf("ParamIndex(%q) = %d out of range [0,%d)", name, i, net.NumParams())
		}
		j, err := net.ParamIndex(net.ParamName(i))
		if err != nil || j != i {
			t.Fatalf("ParamIndex(ParamName(%d)) = %d, %v", i, j, err)
		}
	})
}
