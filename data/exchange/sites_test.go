package exchange_test

import (
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

func FuzzParseRegistration(f *testing.F) {
	f.Add([]byte(`{"format":"onewindow-site-registration/1","code":"330102101","name":"示例村","kind":"village","public_key":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := exchange.ParseRegistration(b)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("%q: %v", b, err)
			}
			return
		}
		again, err := exchange.ParseRegistration(exchange.MarshalRegistration(r))
		if err != nil || again != r {
			t.Fatalf("%q does not survive a round trip: %v", b, err)
		}
	})
}
