package territory

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

const nb = "\u00a0"

func parseFile(t *testing.T, path string) ([]QPVRow, []LineProblem) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, problems, err := ParseQPVCSV(f, dir(t))
	if err != nil {
		t.Fatalf("ParseQPVCSV(%s): %v", path, err)
	}
	return rows, problems
}

func TestParseQPVCSVSample(t *testing.T) {
	rows, problems := parseFile(t, "testdata/qpv_sample.csv")
	if len(problems) != 0 {
		t.Errorf("unexpected problems: %v", problems)
	}
	want := []QPVRow{
		{2, "QN05901M", "Lille-Sud", []string{"59350"}},
		{3, "QN05902M", "Hauts-Champs - Longchamp", []string{"59299", "59512"}},
		{5, "QN04901M", "Jean Monnet", []string{"49099"}},
		{6, "QP972001", "Trénelle - Citron", []string{"97209"}},
		{7, "QP974001", "Le Chaudron", []string{"97411"}},
		{9, "QN97601M", "Kawéni", []string{"97611"}},
		{10, "QN06201M", "Cité multi-communes", []string{"62498", "62510", "62413"}},
		{11, "QN05903M", "Ancien code de Lomme", []string{"59350"}},
		{12, "QN00101M", "Code sans zéro", []string{"01053"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", rows, want)
	}
}

func TestParseQPVCSVBad(t *testing.T) {
	rows, problems := parseFile(t, "testdata/qpv_bad.csv")
	if len(rows) != 2 || rows[0].Code != "QN05901M" || rows[1].Code != "QN05910M" || rows[1].Line != 13 {
		t.Errorf("rows = %+v, want QN05901M (line 2) and QN05910M (line 13)", rows)
	}
	want := []string{
		"ligne 3" + nb + ": code du quartier QN05901M en double (déjà vu ligne 2)",
		"ligne 4" + nb + ": nom du quartier manquant",
		"ligne 5" + nb + ": code du quartier manquant",
		"ligne 6" + nb + ": code du quartier «" + nb + "QZ123" + nb + "» invalide (attendu par exemple QN05901M ou QP059001)",
		"ligne 7" + nb + ": code commune 59999 inconnu",
		"ligne 8" + nb + ": codes communes 59999, 59998 inconnus",
		"ligne 9" + nb + ": code commune manquant",
		"ligne 10" + nb + ": code commune «" + nb + "ABCDE" + nb + "» invalide (5 caractères attendus, par exemple 59350)",
		"ligne 11" + nb + ": code du quartier QN05901M en double (déjà vu ligne 2 sous le nom «" + nb + "Lille-Sud" + nb + "»)",
		"ligne 12" + nb + ": 2 colonnes au lieu d’au moins 3",
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

func TestParseQPVCSVVariants(t *testing.T) {
	tests := []struct {
		name, input string
		rows        int
		problems    int
	}{
		{"tabs and comments", "# commentaire\nCODE_QP\tNOM_QP\tINSEE_COM\n# autre\nQP059001\tWazemmes\t59350\n", 1, 0},
		{"comma, quoted, CRLF", "code_qpv,nom_qpv,code_commune\r\n\"QN05901M\",\"Fives, secteur\",\"59350\"\r\n", 1, 0},
		{"extra columns first", "insee_dep;lib_dep;code_qp;lib_qp;insee_com\n59;Nord;QN05901M;Moulins;59350\n", 1, 0},
		{"windows-1252", "code_qp;lib_qp;insee_com\nQN80001M;\xc9touvie;80021\n", 1, 0},
		{"one row per commune, same commune twice", "code_qp;lib_qp;insee_com\nQN05901M;A;59350\nQN05901M;A;59350\n", 1, 1},
		{"pipe-separated communes", "code_qp;lib_qp;insee_com\nQN05901M;A;59512|59599\n", 1, 0},
	}
	for _, tt := range tests {
		rows, problems, err := ParseQPVCSV(strings.NewReader(tt.input), dir(t))
		if err != nil || len(rows) != tt.rows || len(problems) != tt.problems {
			t.Errorf("%s: %d rows, problems %v, err %v; want %d rows, %d problems", tt.name, len(rows), problems, err, tt.rows, tt.problems)
		}
	}
	rows, _, _ := ParseQPVCSV(strings.NewReader("code_qp;lib_qp;insee_com\nQN80001M;\xc9touvie;80021\n"), dir(t))
	if len(rows) == 1 && rows[0].Name != "Étouvie" {
		t.Errorf("Windows-1252 name decoded as %q", rows[0].Name)
	}
}

func TestParseQPVCSVFatal(t *testing.T) {
	tests := map[string]string{
		"":                            "le fichier est vide",
		"# rien\n":                    "le fichier est vide",
		"code_qp;lib_qp\nQN1;A\n":     "la première ligne du fichier doit nommer les colonnes, et il manque celle qui donne les codes INSEE des communes (par exemple «" + nb + "insee_com" + nb + "»)",
		"foo;bar;baz\n":               "la première ligne du fichier doit nommer les colonnes, et il manque celles qui donnent le code du quartier (par exemple «" + nb + "code_qp" + nb + "»), le nom du quartier (par exemple «" + nb + "lib_qp" + nb + "») et les codes INSEE des communes (par exemple «" + nb + "insee_com" + nb + "»)",
		"nom_qp;insee_com\nA;59350\n": "la première ligne du fichier doit nommer les colonnes, et il manque celle qui donne le code du quartier (par exemple «" + nb + "code_qp" + nb + "»)",
	}
	for input, want := range tests {
		_, _, err := ParseQPVCSV(strings.NewReader(input), dir(t))
		if err == nil || err.Error() != want {
			t.Errorf("ParseQPVCSV(%q) error = %v, want %q", input, err, want)
		}
	}
}
