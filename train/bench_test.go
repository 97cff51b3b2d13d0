package train_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"nabla/data"
	"nabla/nn"
	"nabla/train"
)

var (
	mnistOnce       sync.Once
	mnistTrain      data.Set
	mnistTrainError error
)

func mnist(b *testing.B) data.Set {
	mnistOnce.Do(func() { mnistTrain, _, mnistTrainError = data.LoadMNIST("") })
	if mnistTrainError != nil {
		b.Skipf("MNIST not available: %v", mnistTrainError)
	}
	return mnistTrain
}

// BenchmarkEpoch times one epoch of mini-batch SGD (shuffle, gradients, updates; no
// evaluation) over the 60000 MNIST training images, Nielsen's recipe: batch 10, η = 3.0 on
// the ½·mean cost. One op is one epoch, so sec/op is seconds per epoch; cpu-sec/epoch is the
// process CPU time, which a machine shared with other jobs does not inflate.
func BenchmarkEpoch(b *testing.B) {
	cases := []struct {
		engine, net string
		batch       int
	}{
		{"backprop", "784-30-10", 10},
		{"backprop", "784-100-10", 10},
		{"autodiff-reverse", "784-30-10", 10},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("engine=%s/net=%s/batch=%d", c.engine, c.net, c.batch), func(b *testing.B) {
			set := mnist(b)
			net := nn.MustParse(c.net)
			s, err := train.NewSGD(net, set, train.Config{Engine: c.engine, BatchSize: c.batch, Eta: 3, Cost: train.CostMean, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var cpu float64
			for b.Loop() {
				c0 := train.ProcessCPU()
				if err := s.Epoch(context.Background()); err != nil {
					b.Fatal(err)
				}
				cpu += (train.ProcessCPU() - c0).Seconds()
			}
			b.ReportMetric(cpu/float64(b.N), "cpu-sec/epoch")
			b.ReportMetric(float64(set.Len())*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}
