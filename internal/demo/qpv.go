package demo

import (
	"bytes"
	_ "embed"
	"fmt"

	"quartier/territory"
)

//go:embed qpv.csv
var qpvCSV []byte

// QPVs returns the quartiers shipped for the demo (qpv.csv): real
// quartiers prioritaires of the Hauts-de-France, Maine-et-Loire, Martinique
// and La Réunion, with local QX codes, read as an administrator's import
// of the official list would be.
func QPVs(dir *territory.Directory) ([]territory.QPVRow, error) {
	rows, problems, err := territory.ParseQPVCSV(bytes.NewReader(qpvCSV), dir)
	if err != nil {
		return nil, fmt.Errorf("demo qpv.csv: %w", err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("demo qpv.csv: %s", problems[0])
	}
	return rows, nil
}
