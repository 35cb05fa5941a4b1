package rest

import (
	"embed"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

//go:embed testdata
var testdataFS embed.FS

func metav1CreateOptions(fieldManager string) metav1.CreateOptions {
	return metav1.CreateOptions{FieldManager: fieldManager}
}

func metav1ListWatch() metav1.ListOptions { return metav1.ListOptions{Watch: true} }
