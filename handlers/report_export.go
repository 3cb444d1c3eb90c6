package handlers

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"quartier/models"
)

// reportFileName names an export: bilan-saison-3.csv, bilan-saison-3-clsm-12.xlsx.
func reportFileName(f models.ReportFilter, ext string) string {
	name := fmt.Sprintf("bilan-saison-%d", f.SeasonID)
	if f.RegionCode != "" {
		name += "-region-" + f.RegionCode
	}
	if f.DepartementCode != "" {
		name += "-departement-" + f.DepartementCode
	}
	if len(f.CLSMIDs) == 1 {
		name += "-clsm-" + strconv.FormatInt(f.CLSMIDs[0], 10)
	}
	return name + "." + ext
}

// csvValue writes a cell for a French spreadsheet: numbers without
// thousands separator and with a decimal comma, so that they are read as
// numbers; a negative one with the minus sign (U+2212), so that it is not
// taken for a formula; percentages as text (« 83,3 % »).
func csvValue(cell reportCell) string {
	switch cell.Format {
	case cellInt:
		if cell.Value < 0 {
			return "−" + strconv.Itoa(int(-cell.Value))
		}
		return strconv.Itoa(int(cell.Value))
	case cellDecimal:
		s := strings.Replace(strconv.FormatFloat(math.Abs(cell.Value), 'f', 1, 64), ".", ",", 1)
		if cell.Value < 0 {
			return "−" + s
		}
		return s
	}
	return cell.Text
}

// reportCSV is the report as one CSV file: a heading, then each table
// under its caption, a blank line between tables.
func (h *Handler) reportCSV(p reportPage) ([]byte, error) {
	rep := p.Report
	rows := [][]string{{"Bilan " + ofSeason(rep.Season.Name)}, {p.Scope},
		{"Du " + rep.Season.StartsOn.Format("02/01/2006") + " au " + rep.Season.EndsOn.Format("02/01/2006")},
		{"Édité le " + h.now().In(models.LocationOf("Europe/Paris")).Format("02/01/2006")}}
	for _, t := range h.reportTables(rep) {
		rows = append(rows, []string{}, []string{t.Caption}, t.Head)
		for _, r := range t.Rows {
			row := make([]string, len(r))
			for i, cell := range r {
				row[i] = csvValue(cell)
			}
			rows = append(rows, row)
		}
		if t.Note != "" {
			rows = append(rows, []string{t.Note})
		}
	}
	return frenchCSV(rows)
}

// sheetName makes a valid, unique XLSX sheet name (31 characters at most,
// none of : \ / ? * [ ]).
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return ' '
		}
		return r
	}, name)
	for utf8.RuneCountInString(name) > 31 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	base := name
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = string([]rune(base)[:min(utf8.RuneCountInString(base), 31-len(suffix))]) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// reportXLSX is the report as a workbook: one sheet per table, its
// caption above a bold header row, numbers stored as numbers with their
// format (integers, one decimal, percentages), columns sized to fit.
func (h *Handler) reportXLSX(p reportPage) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	title, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return nil, err
	}
	intFmt, decFmt, pctFmt := "#,##0", "0.0", "0.0%"
	styles := map[cellFormat]int{}
	for f, code := range map[cellFormat]*string{cellInt: &intFmt, cellDecimal: &decFmt, cellPercent: &pctFmt} {
		id, err := x.NewStyle(&excelize.Style{CustomNumFmt: code})
		if err != nil {
			return nil, err
		}
		styles[f] = id
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for i, t := range h.reportTables(p.Report) {
		name := sheetName(t.Sheet, used)
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := x.NewSheet(name); err != nil {
			return nil, err
		}
		set := func(col, row int, v any) error {
			ref, err := excelize.CoordinatesToCellName(col, row)
			if err != nil {
				return err
			}
			return x.SetCellValue(name, ref, v)
		}
		style := func(col, row, id int) error {
			ref, _ := excelize.CoordinatesToCellName(col, row)
			return x.SetCellStyle(name, ref, ref, id)
		}
		if err := set(1, 1, t.Caption+" — "+p.Scope); err != nil {
			return nil, err
		}
		if err := style(1, 1, title); err != nil {
			return nil, err
		}
		widths := make([]int, len(t.Head))
		for c, head := range t.Head {
			if err := set(c+1, 3, head); err != nil {
				return nil, err
			}
			if err := style(c+1, 3, bold); err != nil {
				return nil, err
			}
			widths[c] = max(widths[c], utf8.RuneCountInString(head))
		}
		for r, row := range t.Rows {
			for c, cell := range row {
				var v any = cell.Text
				if cell.Format != cellText {
					v = cell.Value
				}
				if err := set(c+1, r+4, v); err != nil {
					return nil, err
				}
				if id, ok := styles[cell.Format]; ok {
					if err := style(c+1, r+4, id); err != nil {
						return nil, err
					}
				} else if err := style(c+1, r+4, wrap); err != nil {
					return nil, err
				}
				if c < len(widths) {
					widths[c] = max(widths[c], utf8.RuneCountInString(cell.Text))
				}
			}
		}
		if t.Note != "" {
			if err := set(1, len(t.Rows)+5, t.Note); err != nil {
				return nil, err
			}
		}
		for c, w := range widths {
			col, _ := excelize.ColumnNumberToName(c + 1)
			if err := x.SetColWidth(name, col, col, float64(min(max(w, 10), 80))+2); err != nil {
				return nil, err
			}
		}
	}
	x.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *Handler) downloadAdminReport(ext string) func(echo.Context, models.Season) error {
	return func(c echo.Context, se models.Season) error {
		p, err := h.adminReport(c, se)
		if err != nil {
			return err
		}
		return h.sendReport(c, p, ext)
	}
}

func (h *Handler) downloadCoordinatorReport(ext string) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := h.coordinatorReport(c)
		if err != nil {
			return err
		}
		return h.sendReport(c, p, ext)
	}
}

func (h *Handler) sendReport(c echo.Context, p reportPage, ext string) error {
	name := reportFileName(p.Report.Filter, ext)
	if ext == "csv" {
		body, err := h.reportCSV(p)
		if err != nil {
			return err
		}
		return sendDownload(c, name, "text/csv; charset=utf-8", body)
	}
	body, err := h.reportXLSX(p)
	if err != nil {
		return err
	}
	return sendDownload(c, name, xlsxType, body)
}
