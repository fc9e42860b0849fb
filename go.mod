module github.com/mobilenet-go/mobilenet

go 1.27
