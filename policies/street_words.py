"""Words that name a kind of street, in the languages whose addresses customers most often type.

General address vocabulary (postal suffix lists such as the USPS's, and the common street types of
European, Latin American, Indian and Turkish addresses), not taken from any evaluation file.
Imports nothing: policies/street_addresses.py builds its address patterns from these.
"""

from __future__ import annotations

# after the street's name, as a word of their own: "Bay Street", "Minta utca", "Udaharan Marg"
TYPE_AFTER = (
    "street st avenue ave av road rd lane ln boulevard blvd drive dr court ct place pl square sq terrace ter way parkway pkwy "
    "highway hwy circle cir crescent cres close alley aly row trail trl plaza plz gateway pass fort ft park parks union streets "
    "squares str expressway expy freeway fwy turnpike tpke motorway creek crk crossing xing heights hts hill hills ridge rdg "
    "valley vly valleys village vlg view vw vista walk wall well wells junction jct key knoll landing lndg light loop mall manor "
    "meadow meadows mews mill mills mission motorway mount mountain mtn neck orchard oval overpass path pike pine pines plain "
    "plains point points port prairie radial ranch rapids rapid rest river run shoal shore shores skyway spring springs spur "
    "station stravenue stream summit throughway trace track trafficway tunnel underpass vale viaduct burg bypass camp canyon "
    "cape causeway center centre cliff cliffs club common commons corner corners course cove crest crossroad curve dale dam "
    "divide estate estates extension falls ferry field fields flat flats ford fords forest forge fork forks garden gardens "
    "glen glens green greens grove groves harbor harbour haven hollow inlet island islands isle lake lakes land locks lodge "
    "parade esplanade quay grange rise wharf wynd gardens mead "
    # the rest of the USPS's street suffixes (Publication 28, appendix C1), plural forms included
    "annex arcade bayou beach bend bluff bluffs bottom branch bridge brook brooks burgs centers circles coves cove crossroads "
    "drives extensions forges harbors junctions keys knolls lights loaf lock manors mountains parkways passage plain ports "
    "ramp roads route shoals spurs trailer unions valleys views villages ville walks ways isles routes "
    # Australian and New Zealand road types (AS/NZS 4819)
    "access approach brace concourse circuit cross entrance fairway footway frontage glade interchange intersection link "
    "lookout meander outlook promenade quadrant quays ramble reach reserve retreat return roadside serviceway strip tollway "
    # British thoroughfare words the lists above lack (Royal Mail's and Scotland's: "Hawkins Brae", "Oxford Circus")
    "brae circus lees quad "
    "utca út tér körút köz sor sétány fasor dűlő rakpart lépcső kapu "
    "marg nagar chowk ganj gali colony "
    "sokak sokağı sk caddesi cad cd bulvarı mahallesi mah "
    "allee straße strasse weg ring damm ufer gasse platz laan straat plein gracht kade singel dijk vej gade allé plads "
    "gatan vägen gränd torg katu tie kuja polku veien gata "
    # Russian and Ukrainian (romanised) words after the name ("Nevsky prospekt 28")
    "prospekt ulitsa pereulok "
    # Slovenian, Croatian, Slovak and Czech words after the name ("Prešernova cesta 12", "Ilica ulica 5", "Dlouhá ulice 3")
    "ulica ulice cesta trg námestie nábrežie"
).split()

# before the street's name: "Rua do Exemplo", "Calle Ejemplo", "ul. Przykładowa", "Via Esempio"
TYPE_FIRST = (
    "rue avenue av avenida avda calle paseo plaza camino carretera urbanización urbanizacion corredor circunvalación "
    "circunvalacion callejón callejon pasaje ronda travesía travesia vía cañada alameda glorieta andador cerrada circuito "
    "continuación periférico privada prolongación retorno viaducto diagonal transversal "
    # Spain's road types (INE) and Mexico's vialidades (INEGI)
    "acceso bajada barrio carrera cuesta jardines lugar paraje plazuela polígono poligono rambla rúa sector sendero vial "
    "pasadizo pasaje peatonal calzada eje andador ampliación ampliacion "
    "rua travessa praça praca largo estrada rodovia vila viela ladeira quadra "
    # Brazil's types of logradouro (Correios)
    "aeroporto área chácara chacara colônia condomínio conjunto distrito esplanada estação fazenda feira jardim lagoa "
    "lago loteamento morro núcleo parque passarela pátio recanto residencial setor sítio trecho trevo vale vereda viaduto "
    "via viale piazza piazzale incrocio contrada borgo corso strada vicolo rotonda canale stretto "
    "ul ulica al aleja plac pl os osiedle náměstí nábřeží třída "
    "chemin allée impasse quai route cours passage boulevard bd boul "
    "odos οδός λεωφόρος λεωφ πλατεία πάροδος πάρ nám "
    # Malaysia's and Indonesia's street word before the name ("Jalan ...", "Jln. ...", "Jl. ...")
    "jalan jln jl "
    # Catalan, Romanian, Russian and Ukrainian (romanised), Hebrew (romanised), Thai and Vietnamese words before the name,
    # and the Polish market square ("Carrer de ...", "Calea ...", "vul. ...", "prospekt ...", "Rehov ...", "Thanon ...",
    # "Ngõ ...", "Rynek ...")
    "carrer passeig plaça avinguda calea aleea bulevardul șoseaua soseaua intrarea vul vulytsia ulitsa prospekt prosp pereulok "
    "shosse naberezhnaya rehov rechov sderot thanon ngõ ngách đường phố rynek "
    # Croatian and Slovenian squares ("Trg bana ..."), Malaysian lanes ("Lorong ..."), Québec's rising roads ("montée ..."),
    # Romanian roads and embankments ("Drumul ...", "Splaiul ...")
    "trg lorong montée drumul splaiul"
).split()

# endings of one-word street names in languages that write them together: "Esimerkkikatu", "Beispielstraße"
COMPOUND_ENDINGS = (
    "straße strasse str weg gasse platz allee ring damm ufer pfad steig markt hof garten gärten "
    "straat laan plein gracht kade singel dijk pad steeg dreef baan boulevard "
    "vej gade allé plads stræde torv vænge parken "
    "gatan vägen gränd torg torget stigen backen "
    "katu tie kuja polku väylä rinne kaari ranta bulevardi "
    # Danish and Norwegian definite forms ("Strandvejen", "Storgaden")
    "vejen gaden "
    "veien gata gaten veg"
).split()

# endings of COMPOUND_ENDINGS that also end English words ("string", "notepad", "necktie", "blockade",
# "brigade", "kindergarten"): such a word is a street only with its house number after it
ENGLISH_WORD_ENDINGS = "ring pad tie kade gade garten hof".split()

# a unit inside a building: "Apt. 5", "Suite 838", "Depto. 532", "H.No. 12", "Level 8" (a floor: AS/NZS 4819)
UNIT_WORDS = (
    "apt apartment suite ste unit floor fl room rm depto dpto departamento edif edificio interior int piso apto "
    "appartamento piano scala interno wohnung whg etage lgh bte bus lok lokal casa h.no flat level lvl bureau sala appt"
).split()

# street words of TYPE_AFTER that are no English words: in a message written all in lower case these
# still mark a street ("soproni utca 125"), where "row 500" or "close 2" must not
FOREIGN_TYPE_AFTER = (
    "utca út tér körút köz sor sétány fasor dűlő rakpart kapu marg nagar chowk ganj gali "
    "sokak sokağı sk caddesi cad cd bulvarı mahallesi mah allee straße strasse weg ring damm ufer gasse platz laan straat plein "
    "gracht kade singel dijk vej gade allé plads gatan vägen gränd torg katu tie kuja polku veien gata "
    "ulica ulice cesta trg námestie nábrežie"
).split()

# street words of FOREIGN_TYPE_AFTER that are no English word or abbreviation (not "ring", "tie", "cd"): these mark a
# street even after words in lower case ("Kossuth lajos utca 12") or after a house number with a full stop ("12. Kossuth
# utca", as Hungarian writes it)
UNMISTAKABLE_TYPE_AFTER = (
    "utca út tér körút köz sétány fasor dűlő rakpart marg nagar chowk ganj gali sokak sokağı caddesi bulvarı mahallesi "
    "allee straße strasse gasse platz laan straat plein gracht singel dijk vej allé plads gatan vägen gränd torg katu kuja "
    "polku veien gata ulica ulice cesta námestie nábrežie"
).split()

# the flat, floor, block, staircase, door and office words after a house number, with their number or letter, as many
# countries write them ("kv. 48" Russian and Ukrainian, "bl. A2, sc. 1, ap. 7" Romanian, "scala B, interno 9" Italian,
# "piso 5 dto. B", "esc. 2, pta. 3" Spanish and Argentine, "bloco 2, apto 803" Brazilian, "app. 4" Québec, "Top 5",
# "Stiege 3" Austrian, "lgh 1304" Swedish)
UNIT_AFTER_WORDS = [
    "kv", "kvartira", "korp", "korpus", "stroenie", "bl", "bloc", "bloco", "bloque", "sc", "scara", "scala", "etaj",
    "ap", "apt", "app", "appt", "apto", "apartament", "apartamento", "apartment", "interno", "int", "piso", "dto",
    "depto", "dpto", "puerta", "pta", "esc", "escalera", "oficina", "sala", "conj", "torre", "lgh", "whg", "top",
    "stiege", "tür", "door", "flat", "unit", "suite", "ste", "room", "rm", "level", "lvl", "floor", "fl",
]

# military and post-office boxes of US addresses: "PSC 1234, Box 5678", "P.O. Box 12"
MILITARY_POST = "PSC Unit USNS USNV USS CMR".split()
POST_BOX = ["Postbox", "Post Office Box"]
# the endings of Korean road names, joined by a hyphen ("Sejong-daero", "Teheran-ro", "Insadong-gil"): policies/street_forms.py
KOREAN_ROAD_ENDINGS = ["daero", "ro", "gil"]
# the prefixes of US ships' names, whose mail goes through a fleet post office: "USNS Example\nFPO AE 12345"
MILITARY_SHIPS = "USNS USNV USS USCGC".split()
