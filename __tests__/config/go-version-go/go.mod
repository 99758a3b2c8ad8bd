module ecsdeployaction/goversiongo

go 1.22

require github.com/hashicorp/go-version v1.9.0
