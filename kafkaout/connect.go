package kafkaout

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// checkConnections runs checkConnection on every connection at once and
// returns their errors.
func (p *Producer) checkConnections(timeout time.Duration) error {
	errs := make([]error, len(p.conns))
	var wg sync.WaitGroup
	for i, c := range p.conns {
		wg.Go(func() { errs[i] = p.checkConnection(c, timeout) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// checkConnection waits until connection c reaches a broker (a metadata
// request answers) or librdkafka reports an error that no retry mends (see
// permanent), for at most timeout. It returns such an error naming the
// connection and its brokers, so that a wrong password or an untrusted
// certificate stops the start with a clear message instead of a retry
// loop. A broker that does not answer within timeout is an error only when
// there are topics to check (they could not be checked either); without,
// librdkafka keeps trying. Called before the
// connection's goroutine runs: the events read here are handled as it
// would.
func (p *Producer) checkConnection(c *conn, timeout time.Duration) error {
	// Short requests in a loop: a refusal stops them and waits for the one
	// in progress, so that the producer is not closed under it.
	done := make(chan struct{})
	stop := make(chan struct{})
	var lastErr error // of the last request, when none answered
	go func() {
		defer close(done)
		for end := time.Now().Add(timeout); time.Now().Before(end); {
			_, lastErr = c.p.GetMetadata(nil, false, 250)
			if lastErr == nil {
				return
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	fail := func(err error) error {
		close(stop)
		<-done
		return err
	}
	for {
		select {
		case <-done:
			// Reached, or out of time; an error event may still wait.
			for {
				select {
				case ev := <-c.p.Events():
					if err := p.permanent(c, ev); err != nil {
						return err
					}
				default:
					if lastErr != nil && len(p.cfg.Topics) > 0 {
						// The topics cannot be checked either: say so now
						// rather than after another timeout.
						return fmt.Errorf("%w: connection %d: no broker of %s answered within %v: %w",
							errNoAnswer, c.idx, p.cfg.Librdkafka["bootstrap.servers"], timeout, lastErr)
					}
					return nil
				}
			}
		case ev := <-c.p.Events():
			if err := p.permanent(c, ev); err != nil {
				return fail(err)
			}
		}
	}
}

// permanent handles ev as the connection goroutine would and returns an
// error when ev says the settings can never work: authentication failed,
// TLS failed (handshake, certificate), or librdkafka's fatal errors.
func (p *Producer) permanent(c *conn, ev kafka.Event) error {
	c.handle(ev)
	e, ok := ev.(kafka.Error)
	if !ok {
		return nil
	}
	what := Permanent(e)
	if what == "" {
		return nil
	}
	return fmt.Errorf("kafkaout: connection %d to %s: %s: %w", c.idx, p.cfg.Librdkafka["bootstrap.servers"], what, e)
}

// Permanent says what kind of error no retry mends e is: "authentication
// failed", "TLS failed" (handshake, certificates) or "fatal error"; "" for
// the others (a broker down, a timeout), which librdkafka retries.
func Permanent(e kafka.Error) string {
	switch {
	case e.Code() == kafka.ErrAuthentication:
		return "authentication failed"
	case e.Code() == kafka.ErrSsl || (e.Code() == kafka.ErrTransport && strings.Contains(e.Error(), "SSL")):
		return "TLS failed"
	case e.IsFatal():
		return "fatal error"
	}
	return ""
}
