package mailer

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// FileDriver writes each message as a complete .eml file in a directory,
// for development and for installations without an SMTP server: a sign-in
// link can be read from the file.
type FileDriver struct {
	dir string
	log *slog.Logger
	// syncDir makes the directory entry of a renamed file durable; a seam
	// for tests, always syncDirectory outside them.
	syncDir func(dir string) error
}

// NewFileDriver returns a FileDriver writing into dir, creating it.
func NewFileDriver(dir string, log *slog.Logger) (*FileDriver, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create mail directory: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	return &FileDriver{dir: dir, log: log, syncDir: syncDirectory}, nil
}

// Send writes each message to <dir>/<Message-ID>.eml. The name comes from
// the Message-ID, so a message delivered again after a crash overwrites its
// own file instead of making a second one. The file appears whole or not at
// all (written aside, fsync'd, renamed, then the directory fsync'd, so
// that a message reported sent survives a crash). One log line per message
// names its Message-ID, the subject and the file, never the recipient
// (personal data) nor the content (it may hold a sign-in link).
func (d *FileDriver) Send(ctx context.Context, msgs []*Message) []error {
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		path, err := d.write(m)
		if err != nil {
			errs[i] = err
			continue
		}
		d.log.Info("mail written to file", "message_id", m.MessageID, "subject", m.Subject, "file", path)
	}
	return errs
}

// Path returns the file a message with this Message-ID is written to.
func (d *FileDriver) Path(messageID string) string {
	return filepath.Join(d.dir, fileName(messageID))
}

func (d *FileDriver) write(m *Message) (string, error) {
	path := d.Path(m.MessageID)
	tmp, err := os.CreateTemp(d.dir, ".writing-*.eml")
	if err != nil {
		return "", fmt.Errorf("create mail file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write mail file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write mail file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write mail file: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return "", fmt.Errorf("write mail file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write mail file: %w", err)
	}
	// Without this the rename may still be only in memory: a crash would
	// lose a file the outbox has already marked sent.
	if err := d.syncDir(d.dir); err != nil {
		return "", fmt.Errorf("sync mail directory: %w", err)
	}
	return path, nil
}

// syncDirectory fsyncs a directory, making the entries created or renamed
// in it durable.
func syncDirectory(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileName turns a Message-ID into a safe file name: anything but letters,
// digits, '.', '-', '_' and '@' becomes '_', and it cannot start with a dot.
func fileName(messageID string) string {
	var b strings.Builder
	for _, r := range strings.Trim(messageID, "<>") {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '@':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 200 {
		name = name[:200]
	}
	if name == "" {
		name = "message"
	}
	return name + ".eml"
}
