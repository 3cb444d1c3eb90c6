package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExampleFileIsTheDefaults(t *testing.T) {
	cfg, err := Load("../config.example.toml", nil)
	if err != nil {
		t.Fatalf("load example: %v", err)
	}
	def := Default()
	if cfg.Server.Listen != def.Server.Listen || cfg.Server.BaseURL != def.Server.BaseURL || cfg.Server.ShutdownTimeout != def.Server.ShutdownTimeout {
		t.Errorf("server section differs from defaults: %+v", cfg.Server)
	}
	if cfg.Mail != def.Mail || cfg.Auth != def.Auth || cfg.Requests != def.Requests || cfg.Signups != def.Signups || cfg.Calendar != def.Calendar || cfg.Database != def.Database {
		t.Errorf("example file and defaults disagree:\nfile: %+v\ndefaults: %+v", cfg, def)
	}
}

func TestEnvOverrides(t *testing.T) {
	cfg, err := Load("", []string{
		"QUARTIER_MAIL_MODE=smtp", "QUARTIER_MAIL_SMTP_HOST=mail.example.org", "QUARTIER_MAIL_SMTP_PORT=2525",
		"QUARTIER_AUTH_SESSION_IDLE=2h", "QUARTIER_SERVER_TRUSTED_PROXIES=10.0.0.1, 10.1.0.0/16",
		"QUARTIER_CALENDAR_ALLOW_LOOPBACK=true", "HOME=/root",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mail.Mode != "smtp" || cfg.Mail.SMTPHost != "mail.example.org" || cfg.Mail.SMTPPort != 2525 {
		t.Errorf("mail = %+v", cfg.Mail)
	}
	if cfg.Auth.SessionIdle.Duration != 2*time.Hour {
		t.Errorf("session_idle = %v", cfg.Auth.SessionIdle)
	}
	if len(cfg.Server.TrustedProxies) != 2 || cfg.Server.TrustedProxies[1] != "10.1.0.0/16" {
		t.Errorf("trusted_proxies = %q", cfg.Server.TrustedProxies)
	}
	if !cfg.Calendar.AllowLoopback {
		t.Error("allow_loopback not set")
	}
}

func TestBadKeysAreNamed(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantKey string
	}{
		{"unknown mode", "", []string{"QUARTIER_MAIL_MODE=pigeon"}, "mail.mode"},
		{"bad duration", "", []string{"QUARTIER_AUTH_SESSION_IDLE=soon"}, "auth.session_idle"},
		{"unknown env key", "", []string{"QUARTIER_MAIL_COLOUR=blue"}, "QUARTIER_MAIL_COLOUR"},
		{"smtp without host", "", []string{"QUARTIER_MAIL_MODE=smtp"}, "mail.smtp_host"},
		{"relative base url", "", []string{"QUARTIER_SERVER_BASE_URL=quartier.fr"}, "server.base_url"},
		{"short secret", "", []string{"QUARTIER_SERVER_SECRET=abc"}, "server.secret"},
		{"unknown file key", "[server]\nlisten = \"127.0.0.1:9000\"\nlisen = \"x\"\n", nil, "server.lisen"},
		{"loopback calendars in production", "", []string{"QUARTIER_SERVER_BASE_URL=https://quartier.example.org", "QUARTIER_CALENDAR_ALLOW_LOOPBACK=true"}, "calendar.allow_loopback"},
		{"contact with a display name", "", []string{"QUARTIER_TEAM_CONTACT_EMAIL=Équipe <contact@x.fr>"}, "team.contact_email"},
		{"no DPO address", "", []string{"QUARTIER_TEAM_DPO_EMAIL=personne"}, "team.dpo_email"},
		{"bad audit date", "", []string{"QUARTIER_TEAM_ACCESSIBILITY_AUDIT=30/11/2026"}, "team.accessibility_audit"},
		{"idle above absolute", "[auth]\nsession_idle = \"200h\"\n", nil, "auth.session_idle"},
		{"postgres URL without host", "", []string{"QUARTIER_DATABASE_DSN=postgres:///quartier"}, "database.dsn"},
		{"postgres URL without database", "", []string{"QUARTIER_DATABASE_DSN=postgres://q:pw@db.internal:5432/"}, "database.dsn"},
		{"postgres URL with a bad port", "", []string{"QUARTIER_DATABASE_DSN=postgres://q@db.internal:99999/quartier"}, "database.dsn"},
		{"postgres without data_dir", "", []string{"QUARTIER_DATABASE_DSN=postgres://q@db.internal/quartier", "QUARTIER_SERVER_DATA_DIR="}, "server.data_dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = filepath.Join(t.TempDir(), "c.toml")
				os.WriteFile(path, []byte(tt.file), 0o600)
			}
			_, err := Load(path, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.wantKey) {
				t.Fatalf("error %v does not name %s", err, tt.wantKey)
			}
		})
	}
}

func TestSecretGeneratedOnceAndKept(t *testing.T) {
	cfg := Default()
	cfg.Database.DSN = filepath.Join(t.TempDir(), "sub", "q.db")
	a, err := cfg.ResolveSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := cfg.ResolveSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) < 32 || string(a) != string(b) {
		t.Fatalf("secret not stable: %q vs %q", a, b)
	}
	st, _ := os.Stat(filepath.Join(cfg.DataDir(), "secret"))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want 0600", st.Mode().Perm())
	}
}

func TestDataDir_BesideSQLiteFile_DataDirWithPostgres(t *testing.T) {
	cfg := Default()
	cfg.Database.DSN = "file:/srv/q/quartier.db?_foo=1"
	cfg.Server.DataDir = "/elsewhere"
	if got := cfg.DataDir(); got != "/srv/q" {
		t.Errorf("SQLite DataDir = %q, want the database's directory /srv/q", got)
	}
	cfg.Database.DSN = "postgres://quartier:s3cret@db.internal:5432/quartier?sslmode=require"
	if got := cfg.DataDir(); got != "/elsewhere" {
		t.Errorf("PostgreSQL DataDir = %q, want server.data_dir /elsewhere", got)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid PostgreSQL configuration refused: %v", err)
	}
	if got := cfg.ErasureLogPath(); got != filepath.Join("/elsewhere", "erasures.jsonl") {
		t.Errorf("erasure log %q, want it in server.data_dir", got)
	}
	if d := cfg.DisplayDSN(); strings.Contains(d, "s3cret") || !strings.Contains(d, "db.internal") {
		t.Errorf("DisplayDSN = %q: want the host without the password", d)
	}
}

func TestValidate_PostgresErrorsHideThePassword(t *testing.T) {
	_, err := Load("", []string{"QUARTIER_DATABASE_DSN=postgres://q:s3cret@db.internal:5432/"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error %v: want one, without the password", err)
	}
}

func TestLoad_ToolingVariablesAreNotKeys(t *testing.T) {
	env := []string{"QUARTIER_CONFIG=quartier.toml", "QUARTIER_TEST_POSTGRES=postgres://x@127.0.0.1/y", "QUARTIER_BENCH_SCALES=1 10"}
	if _, err := Load("", env); err != nil {
		t.Errorf("tooling variables refused: %v", err)
	}
	if _, err := Load("", []string{"QUARTIER_TESTS_POSTGRES=x"}); err == nil {
		t.Error("an unknown key outside the tooling's prefixes is accepted")
	}
}
