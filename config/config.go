// Package config loads quartier's configuration: embedded defaults, then an
// optional TOML file, then environment variables QUARTIER_<SECTION>_<KEY>.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the whole configuration. Each field's toml tag is its key in
// config.example.toml, which documents every one of them.
type Config struct {
	Server   Server   `toml:"server"`
	Database Database `toml:"database"`
	Mail     Mail     `toml:"mail"`
	Auth     Auth     `toml:"auth"`
	Requests Requests `toml:"requests"`
	Signups  Signups  `toml:"signups"`
	Calendar Calendar `toml:"calendar"`
	Team     Team     `toml:"team"`
	Sessions Sessions `toml:"sessions"`
	Feedback Feedback `toml:"feedback"`
	RGPD     RGPD     `toml:"rgpd"`
	Metrics  Metrics  `toml:"metrics"`
}

// Metrics configures the Prometheus metrics (docs/RELIABILITY.md). They
// are served on a listener of their own, never on the public site: keep
// Listen on loopback or a private network that only the scraper reaches.
type Metrics struct {
	Enabled bool   `toml:"enabled"`
	Listen  string `toml:"listen"`
}

// RGPD configures how long personal data is kept and where the erasure
// log lives (docs/RELIABILITY.md, « Personal data »).
type RGPD struct {
	// RetentionMonths is how many months after its season is closed the
	// participants' names and emails are anonymised.
	RetentionMonths int `toml:"retention_months"`
	// ErasureLog is the append-only file of the erasures made on request
	// (keyed hashes of the addresses, never the addresses), replayed at
	// start-up so that a restored backup forgets them again. Empty: a
	// file named "erasures.jsonl" beside the database.
	ErasureLog string `toml:"erasure_log"`
}

// ErasureLogPath is rgpd.erasure_log, or its default beside the database.
func (c Config) ErasureLogPath() string {
	if c.RGPD.ErasureLog != "" {
		return c.RGPD.ErasureLog
	}
	return filepath.Join(c.DataDir(), "erasures.jsonl")
}

// Feedback configures the participants' feedback links (DESIGN §3.6).
type Feedback struct {
	// LinkTTL is how long a feedback link stays valid after it is made.
	LinkTTL Duration `toml:"link_ttl"`
	// ReminderAfter is how long after the link was sent the one reminder
	// goes, if the questionnaire is still unanswered.
	ReminderAfter Duration `toml:"reminder_after"`
	// PostsPerLink bounds the answers posted through one link per
	// RateWindow (a refused form counts too): a link answers once, so this
	// only stops a robot hammering one link.
	PostsPerLink int      `toml:"posts_per_link"`
	RateWindow   Duration `toml:"rate_window"`
}

// Sessions configures the day of a session and what follows it.
type Sessions struct {
	// FeedbackPeriod is how long after a session its participants may
	// answer the feedback questionnaire; a held session whose debrief is
	// done is closed at its end.
	FeedbackPeriod Duration `toml:"feedback_period"`
	// Funders is the funders' mention printed on the attendance sheet.
	Funders string `toml:"funders"`
}

// DefaultFunders is the funders' mention of the programme.
const DefaultFunders = "Action financée par l’Agence nationale de la cohésion des territoires (ANCT) et la Direction générale de la santé (DGS)."

// Team is the programme team that answers people: its contact address is
// every email's Reply-To and is shown in every footer; the legal pages name
// the organisation, its publication director, its data protection officer
// and its host.
type Team struct {
	Name                string `toml:"name"`
	Address             string `toml:"address"`
	ContactEmail        string `toml:"contact_email"`
	Phone               string `toml:"phone"`
	PublicationDirector string `toml:"publication_director"`
	DPOEmail            string `toml:"dpo_email"`
	Host                string `toml:"host"`
	AccessibilityAudit  string `toml:"accessibility_audit"`
}

// Server configures the HTTP server and the links it builds.
type Server struct {
	Listen          string   `toml:"listen"`
	BaseURL         string   `toml:"base_url"`
	Secret          string   `toml:"secret"`
	TrustedProxies  []string `toml:"trusted_proxies"`
	ShutdownTimeout Duration `toml:"shutdown_timeout"`
	// MemoryLimit is serve's soft memory limit for the Go runtime
	// (debug.SetMemoryLimit, as GOMEMLIMIT); zero for none.
	MemoryLimit ByteSize `toml:"memory_limit"`
	// JobLease is how long a background job, or an outbox message, claimed
	// by an instance is reserved for it: after a crash, another instance
	// (or the restarted one) takes it over once the lease has run out. It
	// must exceed the longest run (an outbox batch, a calendar fetch).
	JobLease Duration `toml:"job_lease"`
	// DataDir holds the files of a quartier whose database is a
	// PostgreSQL URL: the generated secret, the demo's manifest and the
	// erasure log. With a SQLite file they live beside the database and
	// this key is not used. Instances behind one load balancer must share
	// server.secret: set it, or give them one shared data_dir.
	DataDir string `toml:"data_dir"`
}

// Database configures the store.
type Database struct {
	DSN string `toml:"dsn"`
}

// Mail configures outgoing email.
type Mail struct {
	Mode         string   `toml:"mode"`
	Dir          string   `toml:"dir"`
	From         string   `toml:"from"`
	FromName     string   `toml:"from_name"`
	SMTPHost     string   `toml:"smtp_host"`
	SMTPPort     int      `toml:"smtp_port"`
	SMTPUser     string   `toml:"smtp_user"`
	SMTPPassword string   `toml:"smtp_password"`
	SMTPTLS      string   `toml:"smtp_tls"`
	SMTPTimeout  Duration `toml:"smtp_timeout"`
	MaxAttempts  int      `toml:"max_attempts"`
	RetryBase    Duration `toml:"retry_base"`
	PollInterval Duration `toml:"poll_interval"`
}

// Auth configures sign-in links, sessions and rate limits.
type Auth struct {
	LoginTokenTTL     Duration `toml:"login_token_ttl"`
	SessionIdle       Duration `toml:"session_idle"`
	SessionAbsolute   Duration `toml:"session_absolute"`
	LoginMailsPerAddr int      `toml:"login_mails_per_address"`
	LoginPostsPerIP   int      `toml:"login_posts_per_client"`
	RateWindow        Duration `toml:"rate_window"`
}

// Requests configures the session request form.
type Requests struct {
	MinLeadTime Duration `toml:"min_lead_time"`
	// ProposalTTL is how long a coordinator has to answer a proposed
	// date; a reminder goes at half of it, and an unanswered proposal
	// expires at its end (the request goes back to accepted).
	ProposalTTL Duration `toml:"proposal_ttl"`
	// BackgroundPlanAbove is the number of accepted requests above which
	// the planning page runs the planner in the background (the page
	// shows « Calcul en cours… » and refreshes) instead of answering
	// once the plan is made.
	BackgroundPlanAbove int `toml:"background_plan_above"`
}

// Signups configures partner sign-ups to sessions.
type Signups struct {
	// PromotionCutoff is how long before a session the waiting list stops
	// being promoted when a place frees: a person told the day before
	// could not arrange to come.
	PromotionCutoff Duration `toml:"promotion_cutoff"`
	// PostsPerLink bounds the sign-up posts of one partner's link per
	// RateWindow (a partner's office often shares one address: the limit
	// is per link, never per client address).
	PostsPerLink int      `toml:"posts_per_link"`
	RateWindow   Duration `toml:"rate_window"`
	// CancelPostsPerLink bounds the posts of one participant's cancel
	// link per RateWindow: a link cancels once, so this only stops a
	// robot hammering it.
	CancelPostsPerLink int `toml:"cancel_posts_per_link"`
}

// Calendar configures facilitators' calendar subscriptions.
type Calendar struct {
	RefreshInterval Duration `toml:"refresh_interval"`
	HorizonMonths   int      `toml:"horizon_months"`
	MaxBytes        int64    `toml:"max_bytes"`
	FetchTimeout    Duration `toml:"fetch_timeout"`
	AllowLoopback   bool     `toml:"allow_loopback"`
}

// Duration is a time.Duration written in TOML and environment variables as
// a Go duration string ("15m", "8h").
type Duration struct{ time.Duration }

// UnmarshalText parses a duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (use e.g. 15m, 8h)", b)
	}
	d.Duration = v
	return nil
}

// MarshalText formats the duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Default returns the embedded defaults: a SQLite file and mail written to
// files under data/, listening on loopback.
func Default() Config {
	return Config{
		Server: Server{
			Listen:          "127.0.0.1:8080",
			BaseURL:         "http://127.0.0.1:8080",
			ShutdownTimeout: Duration{15 * time.Second},
			MemoryLimit:     48 << 20,
			JobLease:        Duration{5 * time.Minute},
			DataDir:         "data",
		},
		Database: Database{DSN: "data/quartier.db"},
		Mail: Mail{
			Mode:         "file",
			Dir:          "data/mail",
			From:         "ne-pas-repondre@quartier.example.org",
			FromName:     "La santé mentale dans mon quartier",
			SMTPPort:     587,
			SMTPTLS:      "starttls",
			SMTPTimeout:  Duration{30 * time.Second},
			MaxAttempts:  8,
			RetryBase:    Duration{30 * time.Second},
			PollInterval: Duration{2 * time.Second},
		},
		Auth: Auth{
			LoginTokenTTL:     Duration{15 * time.Minute},
			SessionIdle:       Duration{8 * time.Hour},
			SessionAbsolute:   Duration{7 * 24 * time.Hour},
			LoginMailsPerAddr: 5,
			LoginPostsPerIP:   30,
			RateWindow:        Duration{15 * time.Minute},
		},
		Team: Team{
			Name:                "Centre national de ressources et d’appui aux CLSM",
			Address:             "211 rue d’Arras, 59000 Lille",
			ContactEmail:        "contact@quartier.example.org",
			Phone:               "",
			PublicationDirector: "la direction du centre national de ressources et d’appui aux CLSM",
			DPOEmail:            "dpo@quartier.example.org",
			Host:                "l’hébergeur désigné par le centre de ressources (à préciser dans la configuration)",
			AccessibilityAudit:  "2026-11-30",
		},
		Requests: Requests{MinLeadTime: Duration{28 * 24 * time.Hour}, ProposalTTL: Duration{7 * 24 * time.Hour}, BackgroundPlanAbove: 150},
		Signups:  Signups{PromotionCutoff: Duration{24 * time.Hour}, PostsPerLink: 200, RateWindow: Duration{15 * time.Minute}, CancelPostsPerLink: 20},
		Sessions: Sessions{FeedbackPeriod: Duration{14 * 24 * time.Hour}, Funders: DefaultFunders},
		Feedback: Feedback{LinkTTL: Duration{30 * 24 * time.Hour}, ReminderAfter: Duration{72 * time.Hour},
			PostsPerLink: 20, RateWindow: Duration{15 * time.Minute}},
		RGPD:    RGPD{RetentionMonths: 12},
		Metrics: Metrics{Enabled: false, Listen: "127.0.0.1:9090"},
		Calendar: Calendar{
			RefreshInterval: Duration{time.Hour},
			HorizonMonths:   12,
			MaxBytes:        5 << 20,
			FetchTimeout:    Duration{20 * time.Second},
		},
	}
}

// Load returns the defaults overlaid with the file at path (when path is not
// empty) and then with the environment.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		md, err := toml.DecodeFile(path, &cfg)
		if err != nil {
			return cfg, fmt.Errorf("config file %s: %w", path, err)
		}
		if undecoded := md.Undecoded(); len(undecoded) > 0 {
			return cfg, fmt.Errorf("config file %s: unknown key %q", path, undecoded[0].String())
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// Validate checks each key and the combinations of keys, naming the bad key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		bad("server.listen", "want host:port, got %q", c.Server.Listen)
	}
	if u, err := url.Parse(c.Server.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("server.base_url", "want an absolute http(s) URL, got %q", c.Server.BaseURL)
	}
	if c.Server.Secret != "" && len(c.Server.Secret) < 32 {
		bad("server.secret", "must be at least 32 characters (leave empty to generate one)")
	}
	for _, p := range c.Server.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			bad("server.trusted_proxies", "%q is neither an IP address nor a CIDR range", p)
		}
	}
	if c.Server.ShutdownTimeout.Duration <= 0 {
		bad("server.shutdown_timeout", "must be positive")
	}
	if c.Server.MemoryLimit != 0 && c.Server.MemoryLimit < 16<<20 {
		bad("server.memory_limit", "must be 0 (no limit) or at least 16MiB")
	}
	if l := c.Server.JobLease.Duration; l < 2*c.Mail.SMTPTimeout.Duration || l < 2*c.Calendar.FetchTimeout.Duration {
		bad("server.job_lease", "must be at least twice mail.smtp_timeout and calendar.fetch_timeout (a job must end before its lease)")
	}
	if c.Metrics.Enabled {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			bad("metrics.listen", "want host:port, got %q", c.Metrics.Listen)
		} else if c.Metrics.Listen == c.Server.Listen {
			bad("metrics.listen", "must differ from server.listen: the metrics are not public")
		}
	}
	if c.Database.DSN == "" {
		bad("database.dsn", "must not be empty")
	}
	if c.PostgresDSN() {
		if msg := checkPostgresURL(c.Database.DSN); msg != "" {
			bad("database.dsn", "%s", msg)
		}
		if strings.TrimSpace(c.Server.DataDir) == "" {
			bad("server.data_dir", "must not be empty when database.dsn is a PostgreSQL URL (it holds the generated secret and the demo manifest)")
		}
	}
	switch c.Mail.Mode {
	case "file":
		if c.Mail.Dir == "" {
			bad("mail.dir", "must not be empty when mail.mode is \"file\"")
		}
	case "smtp":
		if c.Mail.SMTPHost == "" {
			bad("mail.smtp_host", "must be set when mail.mode is \"smtp\"")
		}
		if c.Mail.SMTPPort <= 0 || c.Mail.SMTPPort > 65535 {
			bad("mail.smtp_port", "must be between 1 and 65535")
		}
	default:
		bad("mail.mode", "want \"file\" or \"smtp\", got %q", c.Mail.Mode)
	}
	switch c.Mail.SMTPTLS {
	case "starttls", "starttls-opportunistic", "tls", "none":
	default:
		bad("mail.smtp_tls", "want starttls, starttls-opportunistic, tls or none, got %q", c.Mail.SMTPTLS)
	}
	if !strings.Contains(c.Mail.From, "@") {
		bad("mail.from", "want an email address, got %q", c.Mail.From)
	}
	for _, a := range []struct{ key, addr string }{{"team.contact_email", c.Team.ContactEmail}, {"team.dpo_email", c.Team.DPOEmail}} {
		if !validAddress(a.addr) {
			bad(a.key, "want an email address, got %q", a.addr)
		}
	}
	if strings.TrimSpace(c.Team.Name) == "" {
		bad("team.name", "must not be empty: the legal pages and emails name the team")
	}
	if _, err := time.Parse("2006-01-02", c.Team.AccessibilityAudit); err != nil {
		bad("team.accessibility_audit", "want a date YYYY-MM-DD, got %q", c.Team.AccessibilityAudit)
	}
	if c.Mail.MaxAttempts < 1 {
		bad("mail.max_attempts", "must be at least 1")
	}
	positive := map[string]time.Duration{
		"mail.smtp_timeout":         c.Mail.SMTPTimeout.Duration,
		"mail.retry_base":           c.Mail.RetryBase.Duration,
		"mail.poll_interval":        c.Mail.PollInterval.Duration,
		"auth.login_token_ttl":      c.Auth.LoginTokenTTL.Duration,
		"auth.session_idle":         c.Auth.SessionIdle.Duration,
		"auth.session_absolute":     c.Auth.SessionAbsolute.Duration,
		"auth.rate_window":          c.Auth.RateWindow.Duration,
		"calendar.refresh_interval": c.Calendar.RefreshInterval.Duration,
		"calendar.fetch_timeout":    c.Calendar.FetchTimeout.Duration,
		"requests.proposal_ttl":     c.Requests.ProposalTTL.Duration,
		"signups.rate_window":       c.Signups.RateWindow.Duration,
		"sessions.feedback_period":  c.Sessions.FeedbackPeriod.Duration,
		"feedback.link_ttl":         c.Feedback.LinkTTL.Duration,
		"feedback.reminder_after":   c.Feedback.ReminderAfter.Duration,
		"feedback.rate_window":      c.Feedback.RateWindow.Duration,
	}
	for _, key := range sortedKeys(positive) {
		if positive[key] <= 0 {
			bad(key, "must be a positive duration")
		}
	}
	if c.Auth.SessionIdle.Duration > c.Auth.SessionAbsolute.Duration {
		bad("auth.session_idle", "must not exceed auth.session_absolute")
	}
	if c.Auth.LoginMailsPerAddr < 1 {
		bad("auth.login_mails_per_address", "must be at least 1")
	}
	if c.Auth.LoginPostsPerIP < 1 {
		bad("auth.login_posts_per_client", "must be at least 1")
	}
	if c.Requests.BackgroundPlanAbove < 0 {
		bad("requests.background_plan_above", "must not be negative")
	}
	if c.Signups.PromotionCutoff.Duration < 0 {
		bad("signups.promotion_cutoff", "must not be negative")
	}
	if c.Feedback.ReminderAfter.Duration >= c.Feedback.LinkTTL.Duration {
		bad("feedback.reminder_after", "must be shorter than feedback.link_ttl")
	}
	if c.RGPD.RetentionMonths < 1 || c.RGPD.RetentionMonths > 120 {
		bad("rgpd.retention_months", "must be between 1 and 120")
	}
	if c.Feedback.PostsPerLink < 1 {
		bad("feedback.posts_per_link", "must be at least 1")
	}
	if c.Signups.PostsPerLink < 1 {
		bad("signups.posts_per_link", "must be at least 1")
	}
	if c.Signups.CancelPostsPerLink < 1 {
		bad("signups.cancel_posts_per_link", "must be at least 1")
	}
	if c.Requests.MinLeadTime.Duration < 0 {
		bad("requests.min_lead_time", "must not be negative")
	}
	if c.Calendar.HorizonMonths < 1 || c.Calendar.HorizonMonths > 36 {
		bad("calendar.horizon_months", "must be between 1 and 36")
	}
	if c.Calendar.AllowLoopback && strings.HasPrefix(c.Server.BaseURL, "https://") {
		bad("calendar.allow_loopback", "is for tests only and must not be set on a production site (server.base_url is https)")
	}
	if c.Calendar.MaxBytes < 1024 {
		bad("calendar.max_bytes", "must be at least 1024")
	}
	return errors.Join(errs...)
}

// validAddress reports whether s is one plain email address (no display
// name, no list), as a Reply-To header needs.
func validAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// PostgresDSN reports whether database.dsn is a PostgreSQL URL (as
// models.EngineOf decides) rather than a SQLite file.
func (c Config) PostgresDSN() bool {
	return strings.HasPrefix(c.Database.DSN, "postgres://") || strings.HasPrefix(c.Database.DSN, "postgresql://")
}

// checkPostgresURL says what is wrong with a PostgreSQL URL, or "".
func checkPostgresURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		// url's message quotes the URL, password included: say where only.
		return "not a valid URL (want postgres://user:password@host:5432/database)"
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Sprintf("the URL %s names no host (want postgres://user:password@host:5432/database)", u.Redacted())
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("the URL %s has an invalid port", u.Redacted())
		}
	}
	if name := strings.Trim(u.Path, "/"); name == "" || strings.Contains(name, "/") {
		return fmt.Sprintf("the URL %s names no database (want postgres://user:password@host:5432/database)", u.Redacted())
	}
	return ""
}

// DisplayDSN is database.dsn as messages and logs may show it: a
// PostgreSQL URL without its password.
func (c Config) DisplayDSN() string {
	if !c.PostgresDSN() {
		return c.Database.DSN
	}
	u, err := url.Parse(c.Database.DSN)
	if err != nil {
		return "(invalid PostgreSQL URL)"
	}
	return u.Redacted()
}

// DataDir is the directory of quartier's own files (the generated secret,
// the demo manifest, the erasure log): beside the database file with
// SQLite, server.data_dir with PostgreSQL.
func (c Config) DataDir() string {
	if c.PostgresDSN() {
		return c.Server.DataDir
	}
	dsn := strings.TrimPrefix(c.Database.DSN, "file:")
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return filepath.Dir(dsn)
}

// SecureCookies reports whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.Server.BaseURL, "https://") }

// ResolveSecret returns server.secret, or the secret stored in DataDir,
// generating and storing one (mode 0600) on first start.
func (c Config) ResolveSecret() ([]byte, error) {
	if c.Server.Secret != "" {
		return []byte(c.Server.Secret), nil
	}
	return loadOrCreateSecret(filepath.Join(c.DataDir(), "secret"))
}

func loadOrCreateSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return nil, fmt.Errorf("secret file %s is too short; delete it to generate a new one", path)
		}
		return []byte(s), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	s, err := randomHex(32)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// O_EXCL: when two processes start at once, one writes and the other reads.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return loadOrCreateSecret(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create secret file: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write secret file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write secret file: %w", err)
	}
	return []byte(s), nil
}
