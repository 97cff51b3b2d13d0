package jsonnum

import (
	"bytes"
	"encoding"
	"encoding/json"
	"io"
	"reflect"
	"sync"
)

// Marshal writes v as encoding/json does, with every float under the policy of Float.
func Marshal(v any) ([]byte, error) {
	return json.Marshal(wrap(reflect.ValueOf(v)))
}

// Encode writes v to w as indented JSON (two spaces) and a newline, with every float under
// the policy of Float.
func Encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(wrap(reflect.ValueOf(v)))
}

// Unmarshal reads JSON into v, a non-nil pointer, as encoding/json does, reading the strings
// of Float's policy into floats.
func Unmarshal(data []byte, v any) error {
	return Decode(bytes.NewReader(data), v, false)
}

// Decode reads one JSON value from r into v, a non-nil pointer, with Float's policy for every
// float; strict rejects fields that v does not have.
func Decode(r io.Reader, v any, strict bool) error {
	dec := json.NewDecoder(r)
	if strict {
		dec.DisallowUnknownFields()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return dec.Decode(v) // encoding/json's error for a bad target
	}
	mt := mirror(rv.Elem().Type())
	if mt == rv.Elem().Type() {
		return dec.Decode(v)
	}
	m := reflect.New(mt)
	m.Elem().Set(toMirror(rv.Elem(), mt))
	if err := dec.Decode(m.Interface()); err != nil {
		return err
	}
	rv.Elem().Set(fromMirror(m.Elem(), rv.Elem().Type()))
	return nil
}

var (
	floatType     = reflect.TypeFor[Float]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	unmarshalType = reflect.TypeFor[json.Unmarshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
	mirrors       sync.Map // reflect.Type → reflect.Type
)

// wrap returns v converted to its mirror type, as an interface for encoding/json.
func wrap(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	mt := mirror(v.Type())
	if mt == v.Type() {
		return v.Interface()
	}
	return toMirror(v, mt).Interface()
}

// mirror returns the type t with every float replaced by Float, or t itself when t holds no
// float (or marshals itself, as JSON or as text).
func mirror(t reflect.Type) reflect.Type {
	if m, ok := mirrors.Load(t); ok {
		return m.(reflect.Type)
	}
	m := build(t)
	mirrors.Store(t, m)
	return m
}

func build(t reflect.Type) reflect.Type {
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(unmarshalType) || t.Implements(textType) {
		return t
	}
	switch t.Kind() {
	case reflect.Float64, reflect.Float32:
		return floatType
	case reflect.Pointer:
		if e := mirror(t.Elem()); e != t.Elem() {
			return reflect.PointerTo(e)
		}
	case reflect.Slice:
		if e := mirror(t.Elem()); e != t.Elem() {
			return reflect.SliceOf(e)
		}
	case reflect.Array:
		if e := mirror(t.Elem()); e != t.Elem() {
			return reflect.ArrayOf(t.Len(), e)
		}
	case reflect.Map:
		if e := mirror(t.Elem()); e != t.Elem() {
			return reflect.MapOf(t.Key(), e)
		}
	case reflect.Struct:
		return buildStruct(t)
	case reflect.Interface:
		return dynamicType
	}
	return t
}

// dynamic holds the value of an interface field, whose floats are known only at run time.
type dynamic struct{ v any }

var dynamicType = reflect.TypeFor[dynamic]()

func (d dynamic) MarshalJSON() ([]byte, error) { return Marshal(d.v) }

func (d *dynamic) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &d.v) }

// buildStruct mirrors a struct's exported fields with their tags; unexported fields, which
// encoding/json leaves alone, are left out.
func buildStruct(t reflect.Type) reflect.Type {
	var fields []reflect.StructField
	changed := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			changed = true
			continue
		}
		mt := mirror(f.Type)
		if mt != f.Type {
			changed = true
		}
		fields = append(fields, reflect.StructField{Name: f.Name, Type: mt, Tag: f.Tag, Anonymous: f.Anonymous})
	}
	if !changed {
		return t
	}
	return reflect.StructOf(fields)
}

// toMirror converts v to the mirror type mt.
func toMirror(v reflect.Value, mt reflect.Type) reflect.Value {
	if v.Type() == mt {
		return v
	}
	out := reflect.New(mt).Elem()
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			out.Set(reflect.ValueOf(dynamic{v.Elem().Interface()}))
		}
	case reflect.Float64, reflect.Float32:
		out.SetFloat(v.Float())
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(mt.Elem())
			p.Elem().Set(toMirror(v.Elem(), mt.Elem()))
			out.Set(p)
		}
	case reflect.Slice:
		if !v.IsNil() {
			out.Set(reflect.MakeSlice(mt, v.Len(), v.Len()))
			for i := range v.Len() {
				out.Index(i).Set(toMirror(v.Index(i), mt.Elem()))
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			out.Index(i).Set(toMirror(v.Index(i), mt.Elem()))
		}
	case reflect.Map:
		if !v.IsNil() {
			out.Set(reflect.MakeMapWithSize(mt, v.Len()))
			for it := v.MapRange(); it.Next(); {
				out.SetMapIndex(it.Key(), toMirror(it.Value(), mt.Elem()))
			}
		}
	case reflect.Struct:
		for i := range mt.NumField() {
			f := mt.Field(i)
			out.Field(i).Set(toMirror(v.FieldByName(f.Name), f.Type))
		}
	}
	return out
}

// fromMirror converts m, of a mirror type, back to the type t.
func fromMirror(m reflect.Value, t reflect.Type) reflect.Value {
	if m.Type() == t {
		return m
	}
	out := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Interface:
		if d := m.Interface().(dynamic); d.v != nil {
			out.Set(reflect.ValueOf(d.v))
		}
	case reflect.Float64, reflect.Float32:
		out.SetFloat(m.Float())
	case reflect.Pointer:
		if !m.IsNil() {
			p := reflect.New(t.Elem())
			p.Elem().Set(fromMirror(m.Elem(), t.Elem()))
			out.Set(p)
		}
	case reflect.Slice:
		if !m.IsNil() {
			out.Set(reflect.MakeSlice(t, m.Len(), m.Len()))
			for i := range m.Len() {
				out.Index(i).Set(fromMirror(m.Index(i), t.Elem()))
			}
		}
	case reflect.Array:
		for i := range m.Len() {
			out.Index(i).Set(fromMirror(m.Index(i), t.Elem()))
		}
	case reflect.Map:
		if !m.IsNil() {
			out.Set(reflect.MakeMapWithSize(t, m.Len()))
			for it := m.MapRange(); it.Next(); {
				out.SetMapIndex(it.Key(), fromMirror(it.Value(), t.Elem()))
			}
		}
	case reflect.Struct:
		for i := range m.NumField() {
			f := m.Type().Field(i)
			of, _ := t.FieldByName(f.Name)
			out.FieldByIndex(of.Index).Set(fromMirror(m.Field(i), of.Type))
		}
	}
	return out
}
