package main

import (
	"k8s.io/apiserver/pkg/registry/rest"
)

func newTableConvertor(k kind) rest.TableConvertor {
	return rest.NewDefaultTableConvertor(k.gv.WithResource(k.resource).GroupResource())
}
