"""Interface text of the respondent pages in the five survey languages.

Questions, hints and answer options come from the instrument (its `label::Deutsch (de)`
columns); this module holds only what the web pages add around them: buttons,
headings and messages. Every key exists in every language (a test checks it), and
placeholders (`{k}`) are the same in every translation.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "de", "fr", "it", "sl")
DEFAULT = "en"

# Each language names itself in the language switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
    "sl": "Slovenščina",
}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "skip_to_content": "Skip to content",
        "language": "Language",
        "welcome_heading": "Welcome",
        "welcome_text": (
            "This questionnaire asks how your region implements its Smart Specialisation "
            "Strategy (S3) through clusters."
        ),
        "save_note": (
            "Your answers are saved on every page. You can leave at any time and come back "
            "later with the same link to continue where you stopped."
        ),
        "privacy_note": (
            "We do not ask for your name or e-mail address. Results are only reported for "
            "groups of respondents, never for a single person."
        ),
        "resume_link_note": "To continue on another device or browser, keep this personal link (do not share it):",
        "region": "Region",
        "start": "Start the questionnaire",
        "continue": "Continue where you left off",
        "go_to_review": "Review your answers",
        "page_of": "Page {k} of {n}",
        "progress": "Progress",
        "pages_done": "{k} of {n} pages saved",
        "next": "Save and continue",
        "back": "Save and go back",
        "questions": "Questions",
        "choose_all": "Select all that apply.",
        "errors_heading": "Please check the marked answers. Nothing on this page was saved yet.",
        "error": "Error",
        "invalid_integer": "Please enter a whole number, for example 3.",
        "invalid_decimal": "Please enter a number, for example 2.5.",
        "invalid_choice": "Please choose one of the options.",
        "invalid_value": "This answer is not valid.",
        "autosave_saved": "Saved automatically at {time}.",
        "autosave_partial": "Saved at {time}; answers that are not valid were not saved.",
        "autosave_failed": "Not saved automatically: your answers are saved when you continue.",
        "review_heading": "Review your answers",
        "review_intro": "Please check your answers. You can still change them; nothing is final until you submit.",
        "change": "Change answers on this page",
        "not_answered": "Not answered",
        "submit": "Submit my answers",
        "submit_note": "After submitting, your answers can no longer be changed.",
        "thanks_heading": "Thank you!",
        "thanks_text": "Your answers have been submitted. Thank you for taking part.",
        "already_submitted": "Your answers have already been submitted. Thank you!",
        "contact_heading": "Stay informed (optional)",
        "contact_text": (
            "If you would like to receive the results, leave an e-mail address or another way "
            "to reach you. It is kept apart from your answers and never shown with them."
        ),
        "contact_label": "E-mail address or other contact (optional)",
        "contact_save": "Save contact details",
        "contact_saved": "Thank you, your contact details were saved.",
        "open_heading": "Before you start",
        "open_intro": "Please tell us which group you belong to and choose the language of the questionnaire.",
        "group_question": "Which group do you belong to?",
        "group_required": "Please choose your group.",
        "group_cluster_manager": "Cluster manager",
        "group_policy_maker": "Policy maker",
        "group_development_agency": "Regional development agency",
        "group_research_institution": "Research institution (university, research centre)",
        "group_industry_association": "Industry association or chamber",
        "group_company": "Company",
        "group_other": "Other",
        "not_found_heading": "Page not found",
        "not_found_text": (
            "This link does not work. Please check that you copied the whole link from your "
            "invitation. If the survey has ended, the link no longer opens."
        ),
        "closed_heading": "This survey has closed",
        "closed_text": (
            "The survey this link belongs to has ended, so no more answers can be given. Thank you for your interest."
        ),
        "forbidden_heading": "This form has expired",
        "forbidden_text": (
            "Your answers could not be accepted because the form's security check failed. "
            "Please go back, reload the page and try again."
        ),
        "too_large_heading": "Too much data",
        "too_large_text": (
            "What you sent is larger than the server accepts ({limit}). Please shorten your "
            "answers, or send a smaller file."
        ),
        "rate_heading": "Too many requests",
        "rate_text": "Too many requests came from your network in a short time. Please wait a minute and try again.",
        "error_heading": "Something went wrong",
        "error_text": (
            "The server could not complete your request. Your saved answers are safe; please try again in a moment."
        ),
        "go_back": "Back",
    },
    "de": {
        "skip_to_content": "Zum Inhalt springen",
        "language": "Sprache",
        "welcome_heading": "Willkommen",
        "welcome_text": (
            "Dieser Fragebogen fragt, wie Ihre Region ihre Strategie für intelligente "
            "Spezialisierung (S3) mithilfe von Clustern umsetzt."
        ),
        "save_note": (
            "Ihre Antworten werden auf jeder Seite gespeichert. Sie können jederzeit unterbrechen "
            "und später mit demselben Link dort weitermachen, wo Sie aufgehört haben."
        ),
        "privacy_note": (
            "Wir fragen weder nach Ihrem Namen noch nach Ihrer E-Mail-Adresse. Ergebnisse "
            "werden nur für Gruppen von Befragten berichtet, nie für eine einzelne Person."
        ),
        "resume_link_note": (
            "Um auf einem anderen Gerät oder in einem anderen Browser weiterzumachen, bewahren Sie "
            "diesen persönlichen Link auf (nicht weitergeben):"
        ),
        "region": "Region",
        "start": "Fragebogen beginnen",
        "continue": "Dort weitermachen, wo Sie aufgehört haben",
        "go_to_review": "Antworten überprüfen",
        "page_of": "Seite {k} von {n}",
        "progress": "Fortschritt",
        "pages_done": "{k} von {n} Seiten gespeichert",
        "next": "Speichern und weiter",
        "back": "Speichern und zurück",
        "questions": "Fragen",
        "choose_all": "Wählen Sie alle zutreffenden Antworten.",
        "errors_heading": "Bitte prüfen Sie die markierten Antworten. Von dieser Seite wurde noch nichts gespeichert.",
        "error": "Fehler",
        "invalid_integer": "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3.",
        "invalid_decimal": "Bitte geben Sie eine Zahl ein, zum Beispiel 2.5.",
        "invalid_choice": "Bitte wählen Sie eine der Antworten.",
        "invalid_value": "Diese Antwort ist nicht gültig.",
        "autosave_saved": "Automatisch gespeichert um {time}.",
        "autosave_partial": "Um {time} gespeichert; ungültige Antworten wurden nicht gespeichert.",
        "autosave_failed": "Nicht automatisch gespeichert: Ihre Antworten werden gespeichert, wenn Sie fortfahren.",
        "review_heading": "Antworten überprüfen",
        "review_intro": (
            "Bitte prüfen Sie Ihre Antworten. Sie können sie noch ändern; endgültig werden sie erst mit dem Absenden."
        ),
        "change": "Antworten auf dieser Seite ändern",
        "not_answered": "Nicht beantwortet",
        "submit": "Antworten absenden",
        "submit_note": "Nach dem Absenden können Sie Ihre Antworten nicht mehr ändern.",
        "thanks_heading": "Vielen Dank!",
        "thanks_text": "Ihre Antworten wurden abgesendet. Vielen Dank für Ihre Teilnahme.",
        "already_submitted": "Ihre Antworten wurden bereits abgesendet. Vielen Dank!",
        "contact_heading": "Auf dem Laufenden bleiben (freiwillig)",
        "contact_text": (
            "Wenn Sie die Ergebnisse erhalten möchten, hinterlassen Sie eine E-Mail-Adresse oder "
            "eine andere Kontaktmöglichkeit. Sie wird getrennt von Ihren Antworten aufbewahrt und "
            "nie mit ihnen gezeigt."
        ),
        "contact_label": "E-Mail-Adresse oder andere Kontaktangabe (freiwillig)",
        "contact_save": "Kontaktangaben speichern",
        "contact_saved": "Vielen Dank, Ihre Kontaktangaben wurden gespeichert.",
        "open_heading": "Bevor Sie beginnen",
        "open_intro": "Bitte geben Sie an, zu welcher Gruppe Sie gehören, und wählen Sie die Sprache des Fragebogens.",
        "group_question": "Zu welcher Gruppe gehören Sie?",
        "group_required": "Bitte wählen Sie Ihre Gruppe.",
        "group_cluster_manager": "Clustermanagement",
        "group_policy_maker": "Politik und Verwaltung",
        "group_development_agency": "Regionale Entwicklungsagentur",
        "group_research_institution": "Forschungseinrichtung (Hochschule, Forschungszentrum)",
        "group_industry_association": "Wirtschaftsverband oder Kammer",
        "group_company": "Unternehmen",
        "group_other": "Andere",
        "not_found_heading": "Seite nicht gefunden",
        "not_found_text": (
            "Dieser Link funktioniert nicht. Bitte prüfen Sie, ob Sie den ganzen Link aus Ihrer "
            "Einladung kopiert haben. Nach dem Ende der Umfrage öffnet sich der Link nicht mehr."
        ),
        "closed_heading": "Diese Umfrage ist beendet",
        "closed_text": (
            "Die Umfrage, zu der dieser Link gehört, ist abgeschlossen; es können keine Antworten mehr "
            "gegeben werden. Vielen Dank für Ihr Interesse."
        ),
        "forbidden_heading": "Dieses Formular ist abgelaufen",
        "forbidden_text": (
            "Ihre Antworten konnten nicht angenommen werden, weil die Sicherheitsprüfung des "
            "Formulars fehlschlug. Bitte gehen Sie zurück, laden Sie die Seite neu und versuchen "
            "Sie es noch einmal."
        ),
        "too_large_heading": "Zu viele Daten",
        "too_large_text": (
            "Was Sie gesendet haben, ist größer, als der Server annimmt ({limit}). Bitte kürzen "
            "Sie Ihre Antworten oder senden Sie eine kleinere Datei."
        ),
        "rate_heading": "Zu viele Anfragen",
        "rate_text": (
            "Aus Ihrem Netzwerk kamen in kurzer Zeit zu viele Anfragen. Bitte warten Sie eine "
            "Minute und versuchen Sie es dann noch einmal."
        ),
        "error_heading": "Etwas ist schiefgegangen",
        "error_text": (
            "Der Server konnte Ihre Anfrage nicht ausführen. Ihre gespeicherten Antworten sind "
            "sicher; bitte versuchen Sie es gleich noch einmal."
        ),
        "go_back": "Zurück",
    },
    "fr": {
        "skip_to_content": "Aller au contenu",
        "language": "Langue",
        "welcome_heading": "Bienvenue",
        "welcome_text": (
            "Ce questionnaire porte sur la manière dont votre région met en œuvre sa stratégie "
            "de spécialisation intelligente (S3) à travers les clusters."
        ),
        "save_note": (
            "Vos réponses sont enregistrées à chaque page. Vous pouvez vous interrompre à tout "
            "moment et reprendre plus tard là où vous vous êtes arrêté, avec le même lien."
        ),
        "privacy_note": (
            "Nous ne demandons ni votre nom ni votre adresse e-mail. Les résultats ne sont "
            "présentés que pour des groupes de répondants, jamais pour une seule personne."
        ),
        "resume_link_note": (
            "Pour continuer sur un autre appareil ou navigateur, conservez ce lien personnel (ne le partagez pas) :"
        ),
        "region": "Région",
        "start": "Commencer le questionnaire",
        "continue": "Reprendre là où vous vous êtes arrêté",
        "go_to_review": "Vérifier vos réponses",
        "page_of": "Page {k} sur {n}",
        "progress": "Progression",
        "pages_done": "{k} pages sur {n} enregistrées",
        "next": "Enregistrer et continuer",
        "back": "Enregistrer et revenir",
        "questions": "Questions",
        "choose_all": "Sélectionnez toutes les réponses qui s'appliquent.",
        "errors_heading": "Veuillez vérifier les réponses signalées. Rien n'a encore été enregistré sur cette page.",
        "error": "Erreur",
        "invalid_integer": "Veuillez saisir un nombre entier, par exemple 3.",
        "invalid_decimal": "Veuillez saisir un nombre, par exemple 2.5.",
        "invalid_choice": "Veuillez choisir l'une des réponses proposées.",
        "invalid_value": "Cette réponse n'est pas valide.",
        "autosave_saved": "Enregistré automatiquement à {time}.",
        "autosave_partial": "Enregistré à {time} ; les réponses non valides n'ont pas été enregistrées.",
        "autosave_failed": (
            "Pas d'enregistrement automatique : vos réponses seront enregistrées quand vous continuerez."
        ),
        "review_heading": "Vérifier vos réponses",
        "review_intro": (
            "Veuillez vérifier vos réponses. Vous pouvez encore les modifier ; rien n'est définitif avant l'envoi."
        ),
        "change": "Modifier les réponses de cette page",
        "not_answered": "Sans réponse",
        "submit": "Envoyer mes réponses",
        "submit_note": "Après l'envoi, vos réponses ne peuvent plus être modifiées.",
        "thanks_heading": "Merci !",
        "thanks_text": "Vos réponses ont été envoyées. Merci de votre participation.",
        "already_submitted": "Vos réponses ont déjà été envoyées. Merci !",
        "contact_heading": "Rester informé (facultatif)",
        "contact_text": (
            "Si vous souhaitez recevoir les résultats, laissez une adresse e-mail ou un autre "
            "moyen de vous joindre. Elle est conservée à part de vos réponses et n'est jamais "
            "affichée avec elles."
        ),
        "contact_label": "Adresse e-mail ou autre contact (facultatif)",
        "contact_save": "Enregistrer les coordonnées",
        "contact_saved": "Merci, vos coordonnées ont été enregistrées.",
        "open_heading": "Avant de commencer",
        "open_intro": "Veuillez indiquer le groupe auquel vous appartenez et choisir la langue du questionnaire.",
        "group_question": "À quel groupe appartenez-vous ?",
        "group_required": "Veuillez choisir votre groupe.",
        "group_cluster_manager": "Gestionnaire de cluster",
        "group_policy_maker": "Décideur politique",
        "group_development_agency": "Agence de développement régional",
        "group_research_institution": "Institution de recherche (université, centre de recherche)",
        "group_industry_association": "Association professionnelle ou chambre",
        "group_company": "Entreprise",
        "group_other": "Autre",
        "not_found_heading": "Page introuvable",
        "not_found_text": (
            "Ce lien ne fonctionne pas. Veuillez vérifier que vous avez copié le lien complet "
            "de votre invitation. Une fois l'enquête terminée, le lien ne s'ouvre plus."
        ),
        "closed_heading": "Cette enquête est close",
        "closed_text": (
            "L'enquête à laquelle appartient ce lien est terminée : il n'est plus possible de répondre. Merci"
            " de votre intérêt."
        ),
        "forbidden_heading": "Ce formulaire a expiré",
        "forbidden_text": (
            "Vos réponses n'ont pas pu être acceptées car le contrôle de sécurité du formulaire "
            "a échoué. Veuillez revenir en arrière, recharger la page et réessayer."
        ),
        "too_large_heading": "Trop de données",
        "too_large_text": (
            "Ce que vous avez envoyé dépasse la taille acceptée par le serveur ({limit}). "
            "Veuillez raccourcir vos réponses ou envoyer un fichier plus petit."
        ),
        "rate_heading": "Trop de requêtes",
        "rate_text": (
            "Trop de requêtes sont venues de votre réseau en peu de temps. Veuillez patienter une minute et réessayer."
        ),
        "error_heading": "Une erreur s'est produite",
        "error_text": (
            "Le serveur n'a pas pu traiter votre demande. Vos réponses enregistrées sont en "
            "sécurité ; veuillez réessayer dans un instant."
        ),
        "go_back": "Retour",
    },
    "it": {
        "skip_to_content": "Vai al contenuto",
        "language": "Lingua",
        "welcome_heading": "Benvenuto",
        "welcome_text": (
            "Questo questionario chiede come la sua regione attua la sua strategia di "
            "specializzazione intelligente (S3) attraverso i cluster."
        ),
        "save_note": (
            "Le risposte vengono salvate a ogni pagina. Può interrompere in qualsiasi momento e "
            "riprendere più tardi dal punto in cui si è fermato, con lo stesso link."
        ),
        "privacy_note": (
            "Non chiediamo il suo nome né il suo indirizzo e-mail. I risultati sono presentati "
            "solo per gruppi di rispondenti, mai per una singola persona."
        ),
        "resume_link_note": (
            "Per continuare su un altro dispositivo o browser, conservi questo link personale (non lo condivida):"
        ),
        "region": "Regione",
        "start": "Inizia il questionario",
        "continue": "Riprendi da dove si era fermato",
        "go_to_review": "Rivedi le risposte",
        "page_of": "Pagina {k} di {n}",
        "progress": "Avanzamento",
        "pages_done": "{k} pagine su {n} salvate",
        "next": "Salva e continua",
        "back": "Salva e torna indietro",
        "questions": "Domande",
        "choose_all": "Selezioni tutte le risposte pertinenti.",
        "errors_heading": "Controlli le risposte segnalate. Nulla di questa pagina è stato ancora salvato.",
        "error": "Errore",
        "invalid_integer": "Inserisca un numero intero, per esempio 3.",
        "invalid_decimal": "Inserisca un numero, per esempio 2.5.",
        "invalid_choice": "Scelga una delle risposte proposte.",
        "invalid_value": "Questa risposta non è valida.",
        "autosave_saved": "Salvato automaticamente alle {time}.",
        "autosave_partial": "Salvato alle {time}; le risposte non valide non sono state salvate.",
        "autosave_failed": "Salvataggio automatico non riuscito: le risposte vengono salvate quando prosegui.",
        "review_heading": "Rivedi le risposte",
        "review_intro": "Controlli le sue risposte. Può ancora modificarle; nulla è definitivo prima dell'invio.",
        "change": "Modifica le risposte di questa pagina",
        "not_answered": "Nessuna risposta",
        "submit": "Invia le mie risposte",
        "submit_note": "Dopo l'invio le risposte non possono più essere modificate.",
        "thanks_heading": "Grazie!",
        "thanks_text": "Le sue risposte sono state inviate. Grazie per la partecipazione.",
        "already_submitted": "Le sue risposte sono già state inviate. Grazie!",
        "contact_heading": "Resti informato (facoltativo)",
        "contact_text": (
            "Se desidera ricevere i risultati, lasci un indirizzo e-mail o un altro recapito. "
            "Viene conservato separatamente dalle sue risposte e non viene mai mostrato con esse."
        ),
        "contact_label": "Indirizzo e-mail o altro recapito (facoltativo)",
        "contact_save": "Salva il recapito",
        "contact_saved": "Grazie, il suo recapito è stato salvato.",
        "open_heading": "Prima di iniziare",
        "open_intro": "Indichi il gruppo a cui appartiene e scelga la lingua del questionario.",
        "group_question": "A quale gruppo appartiene?",
        "group_required": "Scelga il suo gruppo.",
        "group_cluster_manager": "Cluster manager",
        "group_policy_maker": "Decisore politico",
        "group_development_agency": "Agenzia di sviluppo regionale",
        "group_research_institution": "Istituto di ricerca (università, centro di ricerca)",
        "group_industry_association": "Associazione di categoria o camera di commercio",
        "group_company": "Impresa",
        "group_other": "Altro",
        "not_found_heading": "Pagina non trovata",
        "not_found_text": (
            "Questo link non funziona. Verifichi di aver copiato il link completo dal suo "
            "invito. Al termine dell'indagine il link non si apre più."
        ),
        "closed_heading": "Questa indagine è chiusa",
        "closed_text": (
            "L'indagine a cui appartiene questo link è terminata: non è più possibile rispondere. Grazie per "
            "l'interesse."
        ),
        "forbidden_heading": "Questo modulo è scaduto",
        "forbidden_text": (
            "Le sue risposte non sono state accettate perché il controllo di sicurezza del "
            "modulo non è riuscito. Torni indietro, ricarichi la pagina e riprovi."
        ),
        "too_large_heading": "Troppi dati",
        "too_large_text": (
            "Ciò che ha inviato supera la dimensione accettata dal server ({limit}). Abbrevi "
            "le risposte o invii un file più piccolo."
        ),
        "rate_heading": "Troppe richieste",
        "rate_text": "Dalla sua rete sono arrivate troppe richieste in poco tempo. Attenda un minuto e riprovi.",
        "error_heading": "Si è verificato un errore",
        "error_text": (
            "Il server non ha potuto completare la richiesta. Le risposte salvate sono al sicuro; "
            "riprovi tra un momento."
        ),
        "go_back": "Indietro",
    },
    "sl": {
        "skip_to_content": "Skoči na vsebino",
        "language": "Jezik",
        "welcome_heading": "Dobrodošli",
        "welcome_text": (
            "Ta vprašalnik sprašuje, kako vaša regija izvaja svojo strategijo pametne "
            "specializacije (S3) s pomočjo grozdov."
        ),
        "save_note": (
            "Vaši odgovori se shranijo na vsaki strani. Kadar koli lahko prekinete in pozneje z "
            "isto povezavo nadaljujete tam, kjer ste ostali."
        ),
        "privacy_note": (
            "Ne sprašujemo po vašem imenu ali e-poštnem naslovu. Rezultati so prikazani samo za "
            "skupine anketirancev, nikoli za posameznika."
        ),
        "resume_link_note": (
            "Za nadaljevanje na drugi napravi ali v drugem brskalniku shranite to osebno povezavo (ne delite je):"
        ),
        "region": "Regija",
        "start": "Začni vprašalnik",
        "continue": "Nadaljuj, kjer ste ostali",
        "go_to_review": "Preglejte odgovore",
        "page_of": "Stran {k} od {n}",
        "progress": "Napredek",
        "pages_done": "Shranjenih strani: {k} od {n}",
        "next": "Shrani in nadaljuj",
        "back": "Shrani in nazaj",
        "questions": "Vprašanja",
        "choose_all": "Izberite vse ustrezne odgovore.",
        "errors_heading": "Preverite označene odgovore. S te strani še ni bilo nič shranjeno.",
        "error": "Napaka",
        "invalid_integer": "Vnesite celo število, na primer 3.",
        "invalid_decimal": "Vnesite število, na primer 2.5.",
        "invalid_choice": "Izberite enega od ponujenih odgovorov.",
        "invalid_value": "Ta odgovor ni veljaven.",
        "autosave_saved": "Samodejno shranjeno ob {time}.",
        "autosave_partial": "Shranjeno ob {time}; neveljavni odgovori niso bili shranjeni.",
        "autosave_failed": "Samodejno shranjevanje ni uspelo: odgovori bodo shranjeni, ko nadaljujete.",
        "review_heading": "Preglejte odgovore",
        "review_intro": "Preverite svoje odgovore. Še vedno jih lahko spremenite; dokončni so šele, ko jih oddate.",
        "change": "Spremeni odgovore na tej strani",
        "not_answered": "Brez odgovora",
        "submit": "Oddaj odgovore",
        "submit_note": "Po oddaji odgovorov ni več mogoče spreminjati.",
        "thanks_heading": "Hvala!",
        "thanks_text": "Vaši odgovori so bili oddani. Hvala za sodelovanje.",
        "already_submitted": "Vaši odgovori so bili že oddani. Hvala!",
        "contact_heading": "Ostanite obveščeni (neobvezno)",
        "contact_text": (
            "Če želite prejeti rezultate, pustite e-poštni naslov ali drug kontakt. Hranimo ga "
            "ločeno od vaših odgovorov in ga nikoli ne prikažemo skupaj z njimi."
        ),
        "contact_label": "E-poštni naslov ali drug kontakt (neobvezno)",
        "contact_save": "Shrani kontaktne podatke",
        "contact_saved": "Hvala, vaši kontaktni podatki so shranjeni.",
        "open_heading": "Preden začnete",
        "open_intro": "Povejte nam, v katero skupino spadate, in izberite jezik vprašalnika.",
        "group_question": "V katero skupino spadate?",
        "group_required": "Izberite svojo skupino.",
        "group_cluster_manager": "Upravljavec grozda",
        "group_policy_maker": "Oblikovalec politik",
        "group_development_agency": "Regionalna razvojna agencija",
        "group_research_institution": "Raziskovalna ustanova (univerza, raziskovalni center)",
        "group_industry_association": "Gospodarsko združenje ali zbornica",
        "group_company": "Podjetje",
        "group_other": "Drugo",
        "not_found_heading": "Strani ni mogoče najti",
        "not_found_text": (
            "Ta povezava ne deluje. Preverite, ali ste iz vabila kopirali celotno povezavo. Po "
            "koncu ankete se povezava ne odpre več."
        ),
        "closed_heading": "Anketa je zaključena",
        "closed_text": (
            "Anketa, ki ji pripada ta povezava, je končana, zato odgovorov ni več mogoče oddati. Hvala za "
            "vaše zanimanje."
        ),
        "forbidden_heading": "Ta obrazec je potekel",
        "forbidden_text": (
            "Vaših odgovorov ni bilo mogoče sprejeti, ker varnostno preverjanje obrazca ni "
            "uspelo. Vrnite se, ponovno naložite stran in poskusite znova."
        ),
        "too_large_heading": "Preveč podatkov",
        "too_large_text": (
            "Poslali ste več, kot strežnik sprejme ({limit}). Skrajšajte odgovore ali pošljite manjšo datoteko."
        ),
        "rate_heading": "Preveč zahtev",
        "rate_text": "Iz vašega omrežja je v kratkem času prišlo preveč zahtev. Počakajte minuto in poskusite znova.",
        "error_heading": "Prišlo je do napake",
        "error_text": (
            "Strežnik ni mogel dokončati vaše zahteve. Vaši shranjeni odgovori so varni; poskusite znova čez trenutek."
        ),
        "go_back": "Nazaj",
    },
}

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def normalise(language: str | None) -> str:
    """'de-CH' / 'DE' / 'Deutsch (de)' -> 'de'; anything else -> 'en'."""
    if not language:
        return DEFAULT
    text = language.strip()
    m = re.search(r"\(([A-Za-z]{2,3})(?:-[A-Za-z0-9]+)?\)\s*$", text)
    code = (m.group(1) if m else text.replace("_", "-").split("-")[0]).lower()
    return code if code in STRINGS else DEFAULT


# Error pages of the admin side: admins are not respondents ("your answers", "shorten your answers"
# would mislead them); the admin pages are English. Keyed like STRINGS so `core.error_page` swaps them in.
ADMIN_ERRORS: dict[str, str] = {
    "forbidden_heading": "Session check failed",
    "forbidden_text": (
        "Nothing was changed: the form's security token was missing or out of date (the page was open "
        "too long, or you signed in again in another tab). Go back, reload the page and repeat the action."
    ),
    "too_large_heading": "Upload too large",
    "too_large_text": (
        "The file or form you sent is larger than the server accepts ({limit}); nothing was imported or "
        "changed. Split the file, or remove unused sheets and columns, and upload it again."
    ),
}


def t(language: str | None, key: str, **values) -> str:
    """The text of `key` in `language` (English when the language or key is missing)."""
    table = STRINGS.get(normalise(language), STRINGS[DEFAULT])
    text = table.get(key) or STRINGS[DEFAULT].get(key, key)
    return text.format(**values) if values else text


def from_accept_language(header: str | None) -> str:
    """Best supported language of an Accept-Language header, else English."""
    if not header:
        return DEFAULT
    best, best_q = DEFAULT, -1.0
    for part in header.split(","):
        piece = part.strip().split(";")
        tag = piece[0].strip()
        q = 1.0
        for param in piece[1:]:
            name, _, val = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        code = tag.split("-")[0].lower()
        if code in STRINGS and q > best_q:
            best, best_q = code, q
    return best


def translator(language: str | None):
    """`_` for templates: `_('next')`, `_('page_of', k=1, n=9)`."""
    lang = normalise(language)
    return lambda key, **values: t(lang, key, **values)
