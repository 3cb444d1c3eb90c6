package demo

// Small lists the scaled demo draws its people, quartiers and partners
// from: common French first and last names, quartier names as they are
// found across the priority neighbourhoods, and partner templates.
var (
	scaleFirstNames = []string{
		"Aïcha", "Alexandre", "Amandine", "Antoine", "Aurélie", "Bastien", "Béatrice", "Benoît", "Camille", "Céline",
		"Chloé", "Christophe", "Clément", "Delphine", "Élodie", "Émilie", "Éric", "Fabienne", "Fatima", "François",
		"Frédéric", "Gaëlle", "Guillaume", "Hélène", "Hugo", "Inès", "Isabelle", "Jérôme", "Joël", "Julie",
		"Karim", "Laëtitia", "Laurent", "Léa", "Lucas", "Malik", "Manon", "Marc", "Marie", "Mathieu",
		"Mélanie", "Mickaël", "Nathalie", "Nicolas", "Noémie", "Olivier", "Pascale", "Rachid", "Sandrine", "Sébastien",
		"Sophie", "Stéphane", "Sylvie", "Thierry", "Thomas", "Valérie", "Virginie", "Yannick", "Yasmina", "Zoé",
	}
	scaleLastNames = []string{
		"Bernard", "Bertrand", "Blanc", "Bonnet", "Boyer", "Brun", "Chevalier", "Clément", "David", "Dubois",
		"Dupont", "Durand", "Fabre", "Faure", "Fontaine", "Fournier", "François", "Garcia", "Garnier", "Gauthier",
		"Girard", "Guérin", "Henry", "Lambert", "Laurent", "Lefèvre", "Legrand", "Leroy", "Lopez", "Martinez",
		"Masson", "Mercier", "Michel", "Morel", "Muller", "Nicolas", "Perrin", "Petit", "Renaud", "Richard",
		"Robert", "Robin", "Rousseau", "Roussel", "Roux", "Simon", "Thomas", "Vincent", "Benhamou", "Ouédraogo",
		"Nguyen", "Haddad", "Diallo", "Saïdi", "Mendy", "Hoarau", "Payet", "Grondin", "Céleste", "Jean-Baptiste",
	}
	scaleQuartiers = []string{
		"Les Épinettes", "Le Val Fourré", "La Source", "Les Tilleuls", "Les Peupliers", "Le Mirail", "Les Aubiers",
		"La Grande Borne", "Les Minguettes", "Le Haut-du-Lièvre", "La Croix-Rouge", "Les Provinces", "Bellevue",
		"Les Hauts de Garonne", "Le Breil", "La Paillade", "Les Quatre-Chemins", "Le Neuhof", "La Duchère",
		"Les Coteaux", "Le Champ-de-Mars", "La Roseraie", "Les Glycines", "Le Chêne-Pointu", "Kervénanec",
		"Le Plateau", "Les Buers", "La Chapelle", "Saint-Jacques", "Centre ancien", "Les Cévennes", "Le Petit-Bard",
		"Beaulieu", "Les Sablons", "La Madeleine", "Le Clos Saint-Lazare", "Les Résidences", "Les Hameaux",
	}
	scaleVenues = []string{
		"Centre social %s", "Maison de quartier %s", "Médiathèque %s", "Salle polyvalente %s",
		"Espace de vie sociale %s", "Maison des associations %s", "Maison France Services %s",
	}
	scaleStreets = []string{
		"rue Jean-Jaurès", "avenue de la République", "rue Victor-Hugo", "place du Marché", "rue Pasteur",
		"boulevard Gambetta", "rue des Écoles", "allée des Tilleuls", "rue Louise-Michel", "avenue Simone-Veil",
	}
	// scalePartners are templates: %s is the town or the quartier; the
	// second string is the organisation's kind.
	scalePartners = [][2]string{
		{"Centre social %s", "association"}, {"Mission locale de %s", "youth_job"},
		{"Collège Jean-Moulin de %s", "school"}, {"Habitat social de %s", "landlord"},
		{"Association Vivre ensemble à %s", "association"}, {"Service d’aide à domicile de %s", "health"},
		{"Groupe d’entraide mutuelle de %s", "association"}, {"Résidence sociale %s", "landlord"},
	}
	scaleCancelReasons = []string{
		"La salle n’est plus disponible à cette date.",
		"Trop peu d’inscrit·e·s : séance reportée à la saison suivante.",
		"Intempéries : la séance est annulée par sécurité.",
	}
	scaleDeclineReasons = []string{
		"Une séance a déjà eu lieu sur ce territoire cette saison ; nous privilégions les territoires qui n’en ont pas encore eu.",
		"Les créneaux proposés tombent pendant les vacances scolaires : proposez d’autres dates.",
	}
	scaleWithdrawReasons = []string{
		"Le projet est reporté à la saison prochaine.",
		"La structure partenaire ne peut plus accueillir la séance.",
	}
	scaleChangesComment = "Pouvez-vous préciser l’accès de plain-pied de la salle et ajouter une structure partenaire ?"
)
