package handlers

import (
	"bytes"
	"fmt"
	"html"
	"net"
	"strconv"
)

// MaxHeaderBytes bounds a request's headers (http.Server.MaxHeaderBytes):
// the largest legitimate ones (cookies, a long Referer) are a few KB.
const MaxHeaderBytes = 64 << 10

// FrenchProtocolErrors wraps the server's listener so that the answers
// net/http writes by itself, before any handler runs — a malformed request
// line or header (400), headers over MaxHeaderBytes (431), an unsupported
// transfer encoding (501) — come as a short French page instead of English
// text. net/http writes each of them in one Write on the connection, with
// exactly these headers and no Date, which no handler's answer has.
//
// What cannot be changed: the status line itself (the protocol's English
// reason phrase), answers to a TLS connection (the bytes are encrypted
// below this wrapper) and connections closed without an answer.
func FrenchProtocolErrors(ln net.Listener) net.Listener { return frenchListener{ln} }

type frenchListener struct{ net.Listener }

func (l frenchListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return frenchConn{c}, nil
}

type frenchConn struct{ net.Conn }

// netHTTPErrorHeaders are the headers net/http writes with its own errors.
var netHTTPErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

func (c frenchConn) Write(p []byte) (int, error) {
	if page, ok := frenchProtocolPage(p); ok {
		if _, err := c.Conn.Write(page); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// frenchProtocolPage rewrites an error written by net/http itself; ok is
// false for anything else.
func frenchProtocolPage(p []byte) ([]byte, bool) {
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) || len(p) < 12 {
		return nil, false
	}
	end := bytes.Index(p, netHTTPErrorHeaders)
	if end < 0 || bytes.IndexByte(p[:end], '\n') >= 0 {
		return nil, false
	}
	status, err := strconv.Atoi(string(p[9:12]))
	if err != nil || status < 400 {
		return nil, false
	}
	title, message := "Demande incorrecte", "La demande envoyée par votre navigateur n’a pas pu être comprise."
	switch status {
	case 431:
		title = "En-têtes trop volumineux"
		message = fmt.Sprintf("Votre navigateur a envoyé des en-têtes de plus de %d Ko (souvent des cookies trop nombreux).", MaxHeaderBytes>>10)
	case 501:
		title, message = "Envoi non pris en charge", "Le format d’envoi utilisé par votre navigateur n’est pas pris en charge."
	}
	body := fmt.Sprintf(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%s — quartier</title></head>
<body><main><h1>%s</h1><p>%s</p><p>Fermez l’onglet et rouvrez le site, ou effacez les cookies de ce site, puis réessayez. <a href="/">Revenir à l’accueil</a></p></main></body></html>
`, html.EscapeString(title), html.EscapeString(title), html.EscapeString(message))
	head := fmt.Sprintf("%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nContent-Language: fr\r\nConnection: close\r\n\r\n",
		p[:end], len(body))
	return []byte(head + body), true
}
