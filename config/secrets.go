package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SecretFileKeys are the librdkafka secrets that kafka.producer may take
// from a file: the key "<name>_file" names a file whose content (without a
// trailing newline) becomes "<name>", so that the secret is not in the
// config file. Files readable only by the service user are the usual way
// (systemd's LoadCredential= gives one).
var SecretFileKeys = []string{"sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret"}

// secretKeys are librdkafka settings whose values are secrets, inline or
// from a file: check-config and logs show them as "(secret)".
var secretKeys = append(slices.Clone(SecretFileKeys), "ssl.key.pem", "sasl.oauthbearer.config")

// IsSecret reports whether the librdkafka setting key holds a secret.
func IsSecret(key string) bool { return slices.Contains(secretKeys, key) }

// producerSecrets replaces each "<name>_file" key of kafka.producer by
// "<name>" with the file's content. A relative path is relative to the
// config file's directory.
func (v *validator) producerSecrets() {
	k := &v.cfg.Kafka
	keys := make([]string, 0, len(k.Producer))
	for key := range k.Producer {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		name, ok := strings.CutSuffix(key, "_file")
		if !ok {
			continue
		}
		field := fmt.Sprintf("kafka.producer[%q]", key)
		if _, both := k.Producer[name]; both {
			v.c.errf(field, "set either %q or %q, not both", name, key)
			continue
		}
		path := k.Producer[key]
		if !filepath.IsAbs(path) && v.cfg.File() != "" {
			path = filepath.Join(filepath.Dir(v.cfg.File()), path)
		}
		secret, err := ReadSecretFile(name, path)
		if err != nil {
			v.c.errf(field, "%v", err)
			continue
		}
		delete(k.Producer, key)
		k.Producer[name] = secret
	}
}

// ReadSecretFile returns the secret for the librdkafka setting name (one of
// SecretFileKeys) read from path: the file's content without a trailing
// newline, which must not be empty.
func ReadSecretFile(name, path string) (string, error) {
	if !slices.Contains(SecretFileKeys, name) {
		return "", fmt.Errorf("%s_file: unknown secret file setting; the settings read from a file are %s (with _file)", name, strings.Join(SecretFileKeys, ", "))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	secret := strings.TrimRight(string(b), "\r\n")
	if secret == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return secret, nil
}
