package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// NewSecret returns a random secret of 256 bits from crypto/rand, URL-safe,
// and the hash under which it is stored. Sign-in links and session cookies
// use it; nothing stores the secret itself.
func NewSecret() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate secret: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret), nil
}

// HashSecret is how secrets are stored: SHA-256, hex. They carry 256 bits
// of entropy, so a fast hash is enough (no password-style stretching).
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
