package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// Sentinel errors of the IDX reader. Its errors wrap one of them; test with errors.Is.
var (
	// ErrFormat reports data that is not a well-formed IDX file: a wrong magic number, an
	// unknown element type, impossible dimensions, bytes after the payload, or a corrupt
	// gzip stream.
	ErrFormat = errors.New("idx: bad format")
	// ErrTruncated reports an IDX file that ends before its header or payload is complete.
	ErrTruncated = errors.New("idx: truncated")
)

// Type is the element type of an IDX file, the third byte of its magic number.
type Type byte

// The element types of the IDX format. Multi-byte values are big-endian.
const (
	Uint8   Type = 0x08 // unsigned byte
	Int8    Type = 0x09 // signed byte
	Int16   Type = 0x0B // 2-byte integer
	Int32   Type = 0x0C // 4-byte integer
	Float32 Type = 0x0D // 4-byte IEEE float
	Float64 Type = 0x0E // 8-byte IEEE float
)

// Size is the number of bytes of one element, or 0 for a code that is not an IDX type.
func (t Type) Size() int {
	switch t {
	case Uint8, Int8:
		return 1
	case Int16:
		return 2
	case Int32, Float32:
		return 4
	case Float64:
		return 8
	}
	return 0
}

// String names the type ("uint8", "float64", …).
func (t Type) String() string {
	switch t {
	case Uint8:
		return "uint8"
	case Int8:
		return "int8"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Type(0x%02x)", byte(t))
}

// MaxElements bounds the number of elements an IDX header may announce (2³¹, about 2 GB of
// bytes), so that a corrupt header is an error instead of an out-of-memory crash.
const MaxElements = 1 << 31

// IDX is the content of an IDX file: the element type, the dimensions (outermost first) and
// the payload, the elements in row-major order as stored, big-endian.
type IDX struct {
	Type Type
	Dims []int
	Data []byte
}

// Len is the number of elements, the product of the dimensions.
func (x *IDX) Len() int {
	n := 1
	for _, d := range x.Dims {
		n *= d
	}
	return n
}

// Float64 returns element i (0-based, row-major) converted to float64.
func (x *IDX) Float64(i int) float64 {
	switch x.Type {
	case Uint8:
		return float64(x.Data[i])
	case Int8:
		return float64(int8(x.Data[i]))
	case Int16:
		return float64(int16(binary.BigEndian.Uint16(x.Data[2*i:])))
	case Int32:
		return float64(int32(binary.BigEndian.Uint32(x.Data[4*i:])))
	case Float32:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(x.Data[4*i:])))
	case Float64:
		return math.Float64frombits(binary.BigEndian.Uint64(x.Data[8*i:]))
	}
	panic("data: IDX.Float64 on unknown type " + x.Type.String())
}

// shape formats the dimensions as "60000×28×28".
func shape(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "×")
}

// ReadIDX reads one IDX file from r, which may be gzip-compressed (recognised by the gzip
// magic bytes 1f 8b). It checks that the magic number starts with two zero bytes, that the
// type code and the number of dimensions are valid, that the payload has exactly the length
// the dimensions announce, and that nothing follows it. Its errors wrap ErrFormat or
// ErrTruncated.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipErr(err)
		}
		zr.Multistream(false)
		x, err := readIDX(zr)
		if err != nil {
			return nil, gzipErr(err)
		}
		// Read to the end of the gzip stream so that its checksum is verified.
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return nil, gzipErr(err)
		}
		if err := zr.Close(); err != nil {
			return nil, gzipErr(err)
		}
		if n, _ := io.Copy(io.Discard, br); n > 0 {
			return nil, fmt.Errorf("%w: %d bytes after the gzip stream", ErrFormat, n)
		}
		return x, nil
	}
	return readIDX(br)
}

// gzipErr classifies errors from the gzip layer: an early end is ErrTruncated, a bad header
// or checksum ErrFormat; errors already classified pass unchanged.
func gzipErr(err error) error {
	switch {
	case errors.Is(err, ErrFormat), errors.Is(err, ErrTruncated):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: gzip stream ends early", ErrTruncated)
	}
	return fmt.Errorf("%w: gzip: %v", ErrFormat, err)
}

func readIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: empty file", ErrTruncated)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: %d of 4 magic bytes", ErrTruncated, n)
		}
		return nil, err
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%w: magic number %02x %02x %02x %02x does not start with two zero bytes (not an IDX file?)", ErrFormat, magic[0], magic[1], magic[2], magic[3])
	}
	t := Type(magic[2])
	if t.Size() == 0 {
		return nil, fmt.Errorf("%w: unknown element type 0x%02x in magic number", ErrFormat, magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, fmt.Errorf("%w: magic number gives 0 dimensions", ErrFormat)
	}
	hdr := make([]byte, 4*nd)
	if n, err := io.ReadFull(r, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: header announces %d dimensions, file ends after %d of their %d bytes", ErrTruncated, nd, n, len(hdr))
		}
		return nil, err
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		d := binary.BigEndian.Uint32(hdr[4*i:])
		if d > MaxElements {
			return nil, fmt.Errorf("%w: dimension %d is %d, more than %d", ErrFormat, i+1, d, MaxElements)
		}
		dims[i] = int(d)
		if d != 0 && total > MaxElements/int(d) {
			return nil, fmt.Errorf("%w: dimensions %s give more than %d elements", ErrFormat, shape(dims[:i+1]), MaxElements)
		}
		total *= int(d)
	}
	want := int64(total) * int64(t.Size())
	// Read at most one byte more than announced: the buffer grows with what actually
	// arrives, so a corrupt header cannot make us allocate gigabytes up front.
	payload, err := io.ReadAll(io.LimitReader(r, want+1))
	if err != nil {
		return nil, err
	}
	switch {
	case int64(len(payload)) < want:
		return nil, fmt.Errorf("%w: header says %s %s (%d bytes of data), file has %d", ErrTruncated, shape(dims), t, want, len(payload))
	case int64(len(payload)) > want:
		extra, err := io.Copy(io.Discard, r)
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: header says %s %s (%d bytes of data), file has %d more", ErrFormat, shape(dims), t, want, extra+1)
	}
	return &IDX{Type: t, Dims: dims, Data: payload}, nil
}

// ReadIDXFile reads the IDX file at path (raw or gzip-compressed); errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return x, nil
}

// WriteIDX writes x in the IDX format, uncompressed. It returns an error if the dimensions
// and the payload length do not agree or the type is unknown.
func WriteIDX(w io.Writer, x *IDX) error {
	if x.Type.Size() == 0 {
		return fmt.Errorf("%w: unknown element type 0x%02x", ErrFormat, byte(x.Type))
	}
	if len(x.Dims) == 0 || len(x.Dims) > 255 {
		return fmt.Errorf("%w: %d dimensions (want 1..255)", ErrFormat, len(x.Dims))
	}
	for i, d := range x.Dims {
		if d < 0 || d > MaxElements {
			return fmt.Errorf("%w: dimension %d is %d", ErrFormat, i+1, d)
		}
	}
	if want := x.Len() * x.Type.Size(); len(x.Data) != want {
		return fmt.Errorf("%w: dimensions %s of %s need %d bytes, Data has %d", ErrFormat, shape(x.Dims), x.Type, want, len(x.Data))
	}
	var buf bytes.Buffer
	buf.Write([]byte{0, 0, byte(x.Type), byte(len(x.Dims))})
	for _, d := range x.Dims {
		_ = binary.Write(&buf, binary.BigEndian, uint32(d))
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	_, err := w.Write(x.Data)
	return err
}
