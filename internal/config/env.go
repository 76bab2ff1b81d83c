package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// EnvPrefix starts every environment override.
const EnvPrefix = "KONEKTOR_"

// applyEnv sets every scalar key that has a KONEKTOR_<PATH> variable, where
// PATH is the YAML path in upper case joined by underscores
// (bus.addr → KONEKTOR_BUS_ADDR, upstreams.iszr.timeout →
// KONEKTOR_UPSTREAMS_ISZR_TIMEOUT). Lists are set with comma-separated
// values where they hold strings. Variables that name no key are reported,
// so a typo does not pass silently.
func applyEnv(c *Config, env []string) []string {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, EnvPrefix) && !ignoredEnv[k] && !strings.HasPrefix(k, SecretEnvPrefix) {
			vars[k] = v
		}
	}
	var problems []string
	used := map[string]bool{}
	walk(reflect.ValueOf(c).Elem(), strings.TrimSuffix(EnvPrefix, "_"), func(name string, f reflect.Value) {
		v, ok := vars[name]
		if !ok {
			return
		}
		used[name] = true
		if err := setScalar(f, v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
		}
	})
	for k := range vars {
		if !used[k] {
			problems = append(problems, fmt.Sprintf("%s: no such configuration key", k))
		}
	}
	return problems
}

// SecretEnvPrefix starts variables that hold secrets the policy references
// (e.g. a ČÚZK account's password as env:KONEKTOR_SECRET_CUZK_DEMO); they
// are not configuration keys and are never read into the configuration.
const SecretEnvPrefix = EnvPrefix + "SECRET_"

// ignoredEnv are KONEKTOR_ variables that are not configuration keys
// (test settings read by the test suites).
var ignoredEnv = map[string]bool{
	"KONEKTOR_TEST_DATABASE_URL": true,
	"KONEKTOR_TEST_REDIS_URL":    true,
	"KONEKTOR_CONFIG":            true,
}

var durationType = reflect.TypeOf(Duration(0))

func walk(v reflect.Value, prefix string, fn func(string, reflect.Value)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type() != durationType {
			walk(f, name, fn)
			continue
		}
		fn(name, f)
	}
}

func setScalar(f reflect.Value, s string) error {
	if f.Type() == durationType {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration", s)
		}
		f.SetInt(int64(d))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		f.SetInt(int64(n))
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		f.SetFloat(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		f.SetBool(b)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("this list can only be set in the YAML file")
		}
		parts := strings.Split(s, ",")
		sl := reflect.MakeSlice(f.Type(), 0, len(parts))
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				sl = reflect.Append(sl, reflect.ValueOf(p))
			}
		}
		f.Set(sl)
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}
