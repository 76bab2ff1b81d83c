// Command konektor-bench is konektor's load harness (issue 9).
//
//	konektor-bench run  [flags]   scenarios (a)–(g) over a concurrency sweep; writes bench/results/<date>.md
//	konektor-bench soak [flags]   konektor pass-through at half its maximum for 10 minutes; RSS and goroutines
//
// `make bench` and `make soak` run it; -h lists the flags. The command
// konektor-pprof (konektor with net/http/pprof) is what the harness itself
// starts to profile konektor when a goal is missed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"konektor/bench/harness"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "run":
		err = run(ctx, os.Args[2:])
	case "soak":
		err = soak(ctx, os.Args[2:])
	case "konektor-pprof":
		err = profiled(ctx, os.Args[2:])
	case "-h", "--help", "help":
		usage()
		return
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "konektor-bench: chyba / error:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `použití / usage:
  konektor-bench run  [flags]   zátěžové scénáře (a)–(g) / load scenarios (a)–(g) → bench/results/<date>.md
  konektor-bench soak [flags]   dlouhý běh na 50 % maxima / soak at 50 % of the maximum
  konektor-bench run -h         přepínače / flags`)
}

// common are the flags run and soak share.
type common struct {
	results, date, konektor, goTool, nginx, redis, workdir string
	warmup, duration                                       time.Duration
	keep                                                   bool
	pacedConc                                              int
}

func (c *common) register(fs *flag.FlagSet) {
	redis := os.Getenv("KONEKTOR_REDIS_URL")
	if redis == "" {
		redis = os.Getenv("KONEKTOR_TEST_REDIS_URL")
	}
	nginx, _ := exec.LookPath("nginx")
	if nginx == "" {
		if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
			nginx = "/usr/sbin/nginx"
		}
	}
	fs.StringVar(&c.results, "results", "bench/results", "adresář pro <date>.md / directory for <date>.md")
	fs.StringVar(&c.date, "date", "", "datum v názvu souboru s výsledky (RRRR-MM-DD), prázdné = dnes / date in the results file name (YYYY-MM-DD); empty: today")
	fs.StringVar(&c.konektor, "konektor", "", "binárka konektoru, prázdné = sestavit ./cmd/konektor / konektor binary; empty: build ./cmd/konektor with -go")
	fs.StringVar(&c.goTool, "go", "go", "příkaz go (sestavení, go tool pprof) / go command (builds konektor, runs go tool pprof)")
	fs.StringVar(&c.nginx, "nginx", nginx, "binárka nginx, prázdné nebo none = bez scénáře (b) / nginx binary; empty or none skips scenario (b)")
	fs.StringVar(&c.redis, "redis", redis, "URL Redisu pro scénář (e), prázdné = bez něj / Redis URL for scenario (e) (default KONEKTOR_REDIS_URL, else KONEKTOR_TEST_REDIS_URL); empty skips it")
	fs.StringVar(&c.workdir, "workdir", "", "kde vznikne dočasný pracovní adresář / parent of the temporary work directory (default the system's)")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "zahřátí před každým měřením / warm-up before each measured window")
	fs.DurationVar(&c.duration, "duration", 8*time.Second, "délka každého měření / measured window of each run")
	fs.BoolVar(&c.keep, "keep", false, "ponechat pracovní adresář / keep the work directory (configurations, logs, data)")
	fs.IntVar(&c.pacedConc, "paced-conc", 64, "počet volajících při řízené rychlosti / callers of paced runs (half load, soak)")
}

// options builds the harness options; binDir receives a built konektor.
func (c *common) options(ctx context.Context, now func() time.Time, binDir string) (harness.Options, error) {
	o := harness.Options{Now: now, Out: os.Stdout, WorkDir: c.workdir, Keep: c.keep, GoTool: c.goTool,
		RedisURL: c.redis, Warmup: c.warmup, Duration: c.duration, PacedConc: c.pacedConc}
	if c.nginx != "none" {
		o.Nginx = c.nginx
	}
	self, err := os.Executable()
	if err == nil {
		o.Self = self
	}
	o.Konektor = c.konektor
	if o.Konektor == "" {
		o.Konektor = filepath.Join(binDir, "konektor")
		fmt.Println("sestavuji / building ./cmd/konektor …")
		cmd := exec.CommandContext(ctx, c.goTool, "build", "-o", o.Konektor, "./cmd/konektor")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return o, fmt.Errorf("sestavení konektoru selhalo; spusťte z kořene repozitáře nebo zadejte -konektor / building konektor failed (run from the repository root or pass -konektor): %w", err)
		}
	}
	return o, nil
}

func (c *common) day(now func() time.Time) (string, error) {
	if c.date == "" {
		return now().Format("2006-01-02"), nil
	}
	if _, err := time.Parse("2006-01-02", c.date); err != nil {
		return "", fmt.Errorf("-date %q není RRRR-MM-DD / is not YYYY-MM-DD", c.date)
	}
	return c.date, nil
}

// parseSweep reads "1,8,32" into concurrency levels.
func parseSweep(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 20000 {
			return nil, fmt.Errorf("-sweep: %q není souběžnost 1–20000 / is not a concurrency between 1 and 20000", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("-sweep je prázdný / is empty")
	}
	return out, nil
}

// commandLine is the command for the report; under make (MAKELEVEL set)
// it names the make target too.
func commandLine(sub string, args []string) string {
	cmd := strings.TrimSpace("konektor-bench " + sub + " " + strings.Join(args, " "))
	if os.Getenv("MAKELEVEL") != "" {
		target := "bench"
		if sub == "soak" {
			target = "soak"
		}
		return "make " + target + "` → `" + cmd
	}
	return cmd
}

func writeResult(dir, name string, write func(*os.File) error) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := write(f); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c common
	c.register(fs)
	sweep := fs.String("sweep", "1,8,32,128", "úrovně souběžnosti / concurrency levels")
	repeat := fs.Int("repeat", 3, "opakování každého bodu (mediány) / repetitions of every point (medians)")
	only := fs.String("only", "", "jen tyto scénáře, např. acd / scenario ids to run, e.g. acd (default all)")
	conns := fs.Int("conns", 1000, "spojení pro kontrolu paměti, 0 = bez ní / connections of the memory check; 0 skips it")
	half := fs.Bool("half", true, "měřit přidané p99 (c) při poloviční zátěži / measure (c)'s added p99 at half load against (a)")
	prof := fs.Bool("profile", true, "profil konektoru pro každý nesplněný cíl / profile konektor for every missed goal")
	profFor := fs.Duration("profile-for", 15*time.Second, "délka profilu / length of a profile")
	if err := fs.Parse(args); err != nil {
		return err
	}
	levels, err := parseSweep(*sweep)
	if err != nil {
		return err
	}
	return c.measure(ctx, "run", args, func(o harness.Options, date, command string) (report, error) {
		o.Sweep, o.Repeat, o.Only, o.ManyConns, o.HalfLoad, o.Profile, o.ProfileFor = levels, *repeat, *only, *conns, *half, *prof, *profFor
		rep, err := harness.Bench(ctx, o)
		if err != nil {
			return nil, err
		}
		rep.Date, rep.Command = date, command
		return rep, nil
	})
}

func soak(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	var c common
	c.register(fs)
	dur := fs.Duration("for", 10*time.Minute, "délka běhu / length of the soak")
	every := fs.Duration("every", 10*time.Second, "interval vzorkování / sampling interval")
	rate := fs.Float64("rate", 0, "požadavků za sekundu, 0 = polovina změřeného maxima / requests per second; 0: half of the measured maximum")
	maxConc := fs.Int("max-conc", 32, "souběžnost pro změření maxima / closed-loop concurrency that measures the maximum")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var rep *harness.SoakReport
	err := c.measure(ctx, "soak", args, func(o harness.Options, date, command string) (report, error) {
		var err error
		if rep, err = harness.Soak(ctx, harness.SoakOptions{Options: o, For: *dur, Every: *every, Rate: *rate, MaxConc: *maxConc}); err != nil {
			return nil, err
		}
		rep.Date, rep.Command = date, command
		return rep, nil
	})
	if err != nil {
		return err
	}
	if rep.Problem == "" && (!rep.RSS.Flat || !rep.Goroutines.Flat) {
		return errors.New("RSS or goroutines grew during the soak / RSS nebo gorutiny během běhu rostly")
	}
	return nil
}

// report is what run and soak write: harness.Report or harness.SoakReport.
type report interface{ WriteMarkdown(io.Writer) error }

// measure is what run and soak share around the measurement itself: it
// builds konektor into a temporary directory, hands measure the harness
// options with the report's date and command line, and writes the report
// measure returns to stdout and to the results directory (<date>.md, or
// <date>-soak.md for soak).
func (c *common) measure(ctx context.Context, sub string, args []string, measure func(o harness.Options, date, command string) (report, error)) error {
	now := time.Now // the process clock; the harness takes it injected
	day, err := c.day(now)
	if err != nil {
		return err
	}
	bin, err := os.MkdirTemp(c.workdir, "konektor-bench-bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	o, err := c.options(ctx, now, bin)
	if err != nil {
		return err
	}
	rep, err := measure(o, day, commandLine(sub, args))
	if err != nil {
		return err
	}
	if err := rep.WriteMarkdown(os.Stdout); err != nil {
		return err
	}
	name := day + ".md"
	if sub == "soak" {
		name = day + "-soak.md"
	}
	path, err := writeResult(c.results, name, func(f *os.File) error { return rep.WriteMarkdown(f) })
	if err != nil {
		return err
	}
	fmt.Println("\nvýsledky / results:", path)
	return nil
}

func profiled(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("konektor-pprof", flag.ContinueOnError)
	file := fs.String("config", "", "konfigurační soubor konektoru / konektor configuration file")
	addr := fs.String("pprof", "", "host:port pro net/http/pprof / host:port for net/http/pprof")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return harness.ServeProfiled(ctx, *file, *addr, time.Now, os.Stderr)
}
