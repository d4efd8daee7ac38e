module wire2kafka

go 1.26.0

require (
	github.com/confluentinc/confluent-kafka-go/v2 v2.15.0 // indirect
	github.com/prometheus/client_golang v1.25.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
