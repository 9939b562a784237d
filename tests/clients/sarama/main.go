// sarama_client: drives Sarama 1.22 (Debian's golang-github-shopify-sarama-dev) against a broker for
// tests/e2e/sarama.sh. Built offline in GOPATH mode:
//   GO111MODULE=off GOPATH=/usr/share/gocode go build -o sarama_client tests/clients/sarama/main.go
// Each subcommand prints one result line ("ok ..." or a JSON-ish summary) and exits 1 on any error.
// -version picks sarama.Config.Version; "default" keeps Sarama's own default (V0_8_2_0), which sends
// Produce v0 (message format v0), Fetch v0, ListOffsets v0 and, for the offset manager, OffsetCommit v1.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

var (
	brokers   = flag.String("brokers", "127.0.0.1:9092", "bootstrap address")
	topic     = flag.String("topic", "sarama", "topic")
	version   = flag.String("version", "default", "Kafka version for sarama.Config.Version, or default")
	codec     = flag.String("codec", "none", "none|gzip|snappy|lz4|zstd")
	count     = flag.Int("n", 100, "records to produce or consume")
	prefix    = flag.String("prefix", "r", "value prefix")
	group     = flag.String("group", "sarama-group", "consumer group")
	partition = flag.Int("partition", 0, "partition")
	offset    = flag.Int64("offset", 0, "offset (delete-records: before)")
	when      = flag.Int64("time", -1, "timestamp in ms for offsets (-1 newest, -2 oldest)")
	value     = flag.String("value", "", "alter-config: the new retention.ms")
)

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "sarama_client: "+format+"\n", args...)
	os.Exit(1)
}

func config() *sarama.Config {
	c := sarama.NewConfig()
	if *version != "default" {
		v, err := sarama.ParseKafkaVersion(*version)
		if err != nil {
			die("version: %v", err)
		}
		c.Version = v
	}
	c.ClientID = "sarama-e2e"
	c.Metadata.Retry.Max = 10
	c.Metadata.Retry.Backoff = 200 * time.Millisecond
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewHashPartitioner
	c.Producer.Retry.Max = 10
	switch *codec {
	case "none":
	case "gzip":
		c.Producer.Compression = sarama.CompressionGZIP
	case "snappy":
		c.Producer.Compression = sarama.CompressionSnappy
	case "lz4":
		c.Producer.Compression = sarama.CompressionLZ4
	case "zstd":
		c.Producer.Compression = sarama.CompressionZSTD
	default:
		die("codec %q", *codec)
	}
	c.Consumer.Return.Errors = true
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	return c
}

func headersSupported(c *sarama.Config) bool { return c.Version.IsAtLeast(sarama.V0_11_0_0) }

// produce: n keyed records (key k<i%10>, value <prefix><i>, a header h=<i> from 0.11 on) with a sync producer.
func produce() {
	c := config()
	p, err := sarama.NewSyncProducer([]string{*brokers}, c)
	if err != nil {
		die("producer: %v", err)
	}
	defer p.Close()
	msgs := make([]*sarama.ProducerMessage, 0, *count)
	for i := 0; i < *count; i++ {
		m := &sarama.ProducerMessage{Topic: *topic, Key: sarama.StringEncoder(fmt.Sprintf("k%d", i%10)),
			Value: sarama.StringEncoder(fmt.Sprintf("%s%d", *prefix, i))}
		if headersSupported(c) {
			m.Headers = []sarama.RecordHeader{{Key: []byte("h"), Value: []byte(fmt.Sprint(i))}}
		}
		msgs = append(msgs, m)
	}
	if err := p.SendMessages(msgs); err != nil {
		die("send: %v", err)
	}
	fmt.Printf("ok produced %d\n", *count)
}

// consume: every partition from the oldest offset until n records were read; checks keys, values, headers.
func consume() {
	c := config()
	cl, err := sarama.NewClient([]string{*brokers}, c)
	if err != nil {
		die("client: %v", err)
	}
	defer cl.Close()
	cons, err := sarama.NewConsumerFromClient(cl)
	if err != nil {
		die("consumer: %v", err)
	}
	defer cons.Close()
	parts, err := cons.Partitions(*topic)
	if err != nil {
		die("partitions: %v", err)
	}
	out := make(chan *sarama.ConsumerMessage, 1000)
	errs := make(chan error, 10)
	for _, p := range parts {
		pc, err := cons.ConsumePartition(*topic, p, sarama.OffsetOldest)
		if err != nil {
			die("consume partition %d: %v", p, err)
		}
		defer pc.Close()
		go func(pc sarama.PartitionConsumer) {
			for {
				select {
				case m, ok := <-pc.Messages():
					if !ok {
						return
					}
					out <- m
				case e, ok := <-pc.Errors():
					if ok {
						errs <- e
					}
				}
			}
		}(pc)
	}
	seen := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(seen) < *count {
		select {
		case m := <-out:
			v := string(m.Value)
			if !strings.HasPrefix(v, *prefix) {
				continue
			}
			var i int
			fmt.Sscanf(v[len(*prefix):], "%d", &i)
			if string(m.Key) != fmt.Sprintf("k%d", i%10) {
				die("record %q has key %q", v, m.Key)
			}
			if headersSupported(c) && m.Timestamp.IsZero() {
				die("record %q has no timestamp", v)
			}
			if len(m.Headers) > 0 && (string(m.Headers[0].Key) != "h" || string(m.Headers[0].Value) != fmt.Sprint(i)) {
				die("record %q has header %q=%q", v, m.Headers[0].Key, m.Headers[0].Value)
			}
			if seen[v] {
				die("record %q twice", v)
			}
			seen[v] = true
		case e := <-errs:
			die("consume: %v", e)
		case <-deadline:
			die("timed out with %d of %d records", len(seen), *count)
		}
	}
	fmt.Printf("ok consumed %d\n", len(seen))
}

type handler struct {
	mu    sync.Mutex
	max   int
	got   []string
	done  chan struct{}
	once  sync.Once
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *handler) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		h.mu.Lock()
		if len(h.got) >= h.max {
			h.mu.Unlock()
			h.once.Do(func() { close(h.done) })
			return nil
		}
		h.got = append(h.got, fmt.Sprintf("%d:%d", m.Partition, m.Offset))
		s.MarkMessage(m, "")
		full := len(h.got) >= h.max
		h.mu.Unlock()
		if full {
			h.once.Do(func() { close(h.done) })
			return nil
		}
	}
	return nil
}

// group: joins the group with Sarama's default offset settings (Retention 0: OffsetCommit v1, auto commit
// every second), marks up to n records, closes (which commits) and prints "partition:offset" of each.
func groupConsume() {
	c := config()
	cg, err := sarama.NewConsumerGroup([]string{*brokers}, *group, c)
	if err != nil {
		die("group: %v", err)
	}
	h := &handler{max: *count, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{*topic}, h); err != nil && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "consume: %v\n", err)
				time.Sleep(200 * time.Millisecond)
			}
		}
	}()
	go func() {
		for e := range cg.Errors() {
			fmt.Fprintf(os.Stderr, "group error: %v\n", e)
		}
	}()
	select {
	case <-h.done:
	case <-time.After(40 * time.Second):
	}
	cancel()
	if err := cg.Close(); err != nil {
		die("close: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	sort.Strings(h.got)
	fmt.Printf("ok group %d %s\n", len(h.got), strings.Join(h.got, ","))
}

func admin() {
	c := config()
	a, err := sarama.NewClusterAdmin([]string{*brokers}, c)
	if err != nil {
		die("admin: %v", err)
	}
	defer a.Close()
	cmd := flag.Arg(1)
	switch cmd {
	case "create-topic":
		err = a.CreateTopic(*topic, &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1,
			ConfigEntries: map[string]*string{"retention.ms": strPtr("3600000")}}, false)
	case "delete-topic":
		err = a.DeleteTopic(*topic)
	case "list-topics":
		var ts map[string]sarama.TopicDetail
		ts, err = a.ListTopics()
		if err == nil {
			d, ok := ts[*topic]
			if !ok {
				die("topic %s not listed", *topic)
			}
			fmt.Printf("ok topic %s partitions %d retention.ms %s\n", *topic, d.NumPartitions, deref(d.ConfigEntries["retention.ms"]))
			return
		}
	case "describe-config":
		var es []sarama.ConfigEntry
		es, err = a.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: *topic})
		if err == nil {
			for _, e := range es {
				if e.Name == "retention.ms" {
					fmt.Printf("ok retention.ms=%s default=%v\n", e.Value, e.Default)
					return
				}
			}
			die("no retention.ms in %d entries", len(es))
		}
	case "list-groups":
		var gs map[string]string
		gs, err = a.ListConsumerGroups()
		if err == nil {
			if _, ok := gs[*group]; !ok {
				die("group %s not in %v", *group, gs)
			}
			ds, err := a.DescribeConsumerGroups([]string{*group})
			if err != nil {
				die("describe groups: %v", err)
			}
			if len(ds) != 1 || ds[0].Err != sarama.ErrNoError {
				die("describe groups: %+v", ds)
			}
			fmt.Printf("ok group %s state %s members %d\n", *group, ds[0].State, len(ds[0].Members))
			return
		}
	case "delete-records":
		err = a.DeleteRecords(*topic, map[int32]int64{int32(*partition): *offset})
	case "alter-config":
		err = a.AlterConfig(sarama.TopicResource, *topic, map[string]*string{"retention.ms": strPtr(*value)}, false)
	case "create-partitions":
		// -n is the new partition count; a refusal prints its error code (37: INVALID_PARTITIONS).
		err = a.CreatePartitions(*topic, int32(*count), nil, false)
		if tpe, ok := err.(*sarama.TopicPartitionError); ok {
			fmt.Printf("refused %d\n", int16(tpe.Err))
			return
		}
		if err == nil {
			var md []*sarama.TopicMetadata
			md, err = a.DescribeTopics([]string{*topic})
			if err == nil {
				if len(md) != 1 || md[0].Err != sarama.ErrNoError {
					die("describe topics: %+v", md)
				}
				fmt.Printf("ok topic %s partitions %d\n", *topic, len(md[0].Partitions))
				return
			}
		}
	default:
		die("admin %q", cmd)
	}
	if err != nil {
		die("%s: %v", cmd, err)
	}
	fmt.Printf("ok %s\n", cmd)
}

// offsets: ListOffsets through client.GetOffset (v0 before 0.10.1, v1 after).
func offsets() {
	cl, err := sarama.NewClient([]string{*brokers}, config())
	if err != nil {
		die("client: %v", err)
	}
	defer cl.Close()
	o, err := cl.GetOffset(*topic, int32(*partition), *when)
	if err != nil {
		die("offset: %v", err)
	}
	fmt.Printf("ok offset %d\n", o)
}

func strPtr(s string) *string { return &s }
func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func main() {
	flag.Parse()
	switch flag.Arg(0) {
	case "produce":
		produce()
	case "consume":
		consume()
	case "group":
		groupConsume()
	case "admin":
		admin()
	case "offsets":
		offsets()
	default:
		die("usage: sarama_client [flags] produce|consume|group|admin CMD|offsets")
	}
}
