module ecs-deploy-action/test/gotemplate

go 1.22
