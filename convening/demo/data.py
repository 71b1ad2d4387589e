"""What the demo convening contains: a believable national convening in Minneapolis, written out in full.

Everything here is fictional (people, organizations, venue); web addresses and email domains are
example.org, example.com and example.net, and phone numbers are in the 555-01xx range kept for fiction, so
nothing reaches a real person. Kinds, roles and dietary needs are the enum values as strings, so this file
needs no app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SLUG = "demo"
NAME = "Common Ground National Convening 2027"
TAGLINE = (
    "Three days with the local elected officials building cities, counties and schools that work for all."
)
DESCRIPTION = (
    "Common Ground brings together city council members, mayors, county commissioners, school board members "
    "and the organizers who work alongside them. We meet once a year to trade what works, learn from each "
    "other's hard-won fights and leave with allies in every region.\n\n"
    "This year we gather in Minneapolis for keynotes, plenary conversations and eighteen breakout workshops "
    "in eight tracks: immigrants' rights, climate, affordable housing, democracy, public education, LGBTQ "
    "equality, police reform and workers' rights. Registration is free for elected officials, thanks to our "
    "sponsors.\n\n"
    "Every plenary has ASL interpretation, live captions and Spanish interpretation. A quiet room, a "
    "lactation room and childcare are open during all sessions. Tell us what else you need when you register."
)
TIMEZONE = "America/Chicago"
ZONE = ZoneInfo(TIMEZONE)
STARTS_ON = date(2027, 6, 15)  # a Tuesday
ENDS_ON = date(2027, 6, 17)
VENUE_NAME = "Mill City Convention Center"
VENUE_ADDRESS = "1200 Nicollet Mall, Minneapolis, MN 55403"
CITY = "Minneapolis"
STATE = "MN"
CONTACT_EMAIL = "convening@example.org"
CAPACITY = 1100
REGISTRATION_OPENS_AT = datetime(2026, 9, 1, 9, 0, tzinfo=ZONE)
REGISTRATION_CLOSES_AT = datetime(2027, 6, 8, 23, 59, tzinfo=ZONE)
# The sample attendees register, pay and cancel between the opening of registration and this moment, fixed
# so that every run tells the same story whatever the date.
SAMPLE_ACTIVITY_ENDS_AT = datetime(2026, 11, 20, 18, 0, tzinfo=ZONE)
HOST_ORGANIZATION = "Common Ground Network"
# Printed on the back of every badge.
WIFI_NETWORK = "CommonGround-Guest"
WIFI_PASSWORD = "meet-local-2027"  # noqa: S105 - a made-up guest network's, printed on every badge
EMERGENCY_CONTACT = "Venue security, day and night: (612) 555-0199"


@dataclass(frozen=True)
class TicketTypeSpec:
    name: str
    description: str
    price_cents: int
    capacity: int
    access_code: str | None = None
    badge_role: str = "attendee"


ELECTED_OFFICIAL = "Elected official"
PARTNER_ORGANIZATION = "Partner organization"
STAFF_AND_GUESTS = "Staff and guests"
SPONSOR_GUEST = "Sponsor guest"
PRESS = "Press"

TICKET_TYPES = (
    TicketTypeSpec(
        ELECTED_OFFICIAL,
        "For local elected officials in office: mayors, city and county council members, commissioners, "
        "school board members, township officials and their peers. Free, thanks to our sponsors.",
        price_cents=0,
        capacity=900,
    ),
    TicketTypeSpec(
        PARTNER_ORGANIZATION,
        "For staff of the nonprofits, unions and foundations who work alongside local officials. "
        "Includes every session and all meals.",
        price_cents=25000,
        capacity=250,
    ),
    TicketTypeSpec(
        STAFF_AND_GUESTS,
        "For Common Ground staff, volunteers and invited guests. Use the access code in your invitation.",
        price_cents=0,
        capacity=60,
        access_code="DEMO-STAFF",
    ),
    TicketTypeSpec(
        SPONSOR_GUEST,
        "For the people our sponsors send. Use the access code your sponsorship agreement gives.",
        price_cents=0,
        capacity=40,
        access_code="DEMO-SPONSOR",
        badge_role="sponsor",
    ),
    TicketTypeSpec(
        PRESS,
        "For reporters, photographers and editors covering the convening. Ask our press office for the code.",
        price_cents=0,
        capacity=30,
        access_code="DEMO-PRESS",
        badge_role="press",
    ),
)


@dataclass(frozen=True)
class RoomSpec:
    name: str
    capacity: int
    floor: str
    accessibility_notes: str


MAIN_HALL = "Main Hall"
_LEVEL_2_ACCESS = (
    "Step-free by the elevators beside registration. Hearing loop. The lactation room (Room 204) and the "
    "quiet room (Room 206) are down the same corridor."
)
_LEVEL_3_ACCESS = (
    "Step-free by the elevators beside registration; the stairs by the skyway are steep. Portable hearing "
    "loop at the front table. Gender-neutral restrooms across the hall."
)
ROOMS = (
    RoomSpec(
        MAIN_HALL,
        1200,
        "Level 1",
        "Step-free from the Nicollet Mall entrance. Hearing loop, live captions on both screens, ASL and "
        "Spanish interpretation. Reserved seats near the stage for wheelchair users and for Deaf and hard of "
        "hearing attendees.",
    ),
    RoomSpec("Mississippi Room", 220, "Level 2", _LEVEL_2_ACCESS),
    RoomSpec("Bde Maka Ska Room", 180, "Level 2", _LEVEL_2_ACCESS),
    RoomSpec("Minnehaha Room", 150, "Level 2", _LEVEL_2_ACCESS),
    RoomSpec("Cedar Room", 120, "Level 3", _LEVEL_3_ACCESS),
    RoomSpec("Nokomis Room", 90, "Level 3", _LEVEL_3_ACCESS),
)


@dataclass(frozen=True)
class TrackSpec:
    name: str
    color: str  # dark enough for white text (at least 4.5:1), and shown beside the track's name


IMMIGRANTS = "Immigrants' rights"
CLIMATE = "Climate"
HOUSING = "Affordable housing"
DEMOCRACY = "Democracy"
EDUCATION = "Public education"
LGBTQ = "LGBTQ equality"
POLICING = "Police reform"
WORKERS = "Workers' rights"
TRACKS = (
    TrackSpec(IMMIGRANTS, "#0f766e"),
    TrackSpec(CLIMATE, "#3d6b21"),
    TrackSpec(HOUSING, "#1f5f8b"),
    TrackSpec(DEMOCRACY, "#6b3fa0"),
    TrackSpec(EDUCATION, "#8a5a00"),
    TrackSpec(LGBTQ, "#b0306a"),
    TrackSpec(POLICING, "#455a64"),
    TrackSpec(WORKERS, "#b3261e"),
)


@dataclass(frozen=True)
class SlotSpec:
    """A time slot in the convening's local time; `day` counts from the first day, 0."""

    key: str
    day: int
    starts: time
    ends: time
    kind: str
    label: str


TIME_SLOTS = (
    SlotSpec("tue-lunch", 0, time(11, 30), time(13, 0), "meal", "Welcome lunch"),
    SlotSpec("tue-opening", 0, time(13, 0), time(14, 30), "plenary", "Opening plenary"),
    SlotSpec("tue-break", 0, time(14, 30), time(15, 0), "break", "Break"),
    SlotSpec("tue-breakouts", 0, time(15, 0), time(16, 30), "breakout", "Breakout workshops I"),
    SlotSpec("tue-conversation", 0, time(16, 45), time(17, 45), "plenary", "Afternoon plenary"),
    SlotSpec("tue-reception", 0, time(18, 0), time(20, 0), "meal", "Welcome reception"),
    SlotSpec("wed-breakfast", 1, time(7, 30), time(8, 45), "meal", "Breakfast"),
    SlotSpec("wed-keynote", 1, time(9, 0), time(10, 0), "plenary", "Morning keynote"),
    SlotSpec("wed-morning-break", 1, time(10, 0), time(10, 15), "break", "Break"),
    SlotSpec("wed-morning-breakouts", 1, time(10, 15), time(11, 45), "breakout", "Breakout workshops II"),
    SlotSpec("wed-lunch", 1, time(12, 0), time(13, 15), "meal", "Lunch"),
    SlotSpec("wed-breakouts", 1, time(13, 30), time(15, 0), "breakout", "Breakout workshops III"),
    SlotSpec("wed-break", 1, time(15, 0), time(15, 30), "break", "Break"),
    SlotSpec("wed-plenary", 1, time(15, 30), time(17, 0), "plenary", "Plenary panel"),
    SlotSpec("thu-breakfast", 2, time(7, 30), time(8, 30), "meal", "Breakfast"),
    SlotSpec("thu-breakouts", 2, time(8, 45), time(10, 15), "breakout", "Breakout workshops IV"),
    SlotSpec("thu-break", 2, time(10, 15), time(10, 30), "break", "Break"),
    SlotSpec("thu-keynote", 2, time(10, 30), time(11, 30), "plenary", "Closing keynote"),
    SlotSpec("thu-closing", 2, time(11, 30), time(12, 15), "plenary", "Closing plenary"),
    SlotSpec("thu-lunch", 2, time(12, 15), time(13, 15), "meal", "Farewell lunch"),
)


@dataclass(frozen=True)
class SpeakerSpec:
    name: str
    title: str
    organization: str
    bio: str


SPEAKERS = (
    SpeakerSpec(
        "Rosa Elena Castañeda",
        "Mayor",
        "City of Las Cruces",
        "Rosa Elena grew up in Las Cruces and served two terms on the city council before her election as "
        "mayor. She led the city's first participatory budget and a water-affordability program that now "
        "reaches fourteen thousand households.",
    ),
    SpeakerSpec(
        "Yusuf Abdi Warsame",
        "City Council Member",
        "City of Minneapolis",
        "Yusuf represents the Cedar-Riverside and Seward neighborhoods, home to the largest Somali community "
        "in the country. Before his election he ran a youth employment program and chaired his tenant "
        "association.",
    ),
    SpeakerSpec(
        "Rev. Dr. Charlotte Mayfield",
        "President",
        "Southern Democracy Project",
        "Charlotte has trained more than three thousand first-time candidates across the South. A former "
        "Jackson city council member, she writes and preaches on why democracy is won or lost close to home.",
    ),
    SpeakerSpec(
        "Keoni Kahananui",
        "County Council Member",
        "County of Hawaiʻi",
        "Keoni chairs the council's committee on climate resilience and leads the county's flood-recovery "
        "planning. He is a lifelong Hilo resident and a former high school science teacher.",
    ),
    SpeakerSpec(
        "Darnell Whitfield",
        "County Commissioner",
        "Shelby County",
        "Darnell spent fifteen years as a transit union organizer before joining the county commission, "
        "where he wrote Shelby County's living-wage ordinance for contractors.",
    ),
    SpeakerSpec(
        "Layla Haddad (ليلى حداد)",
        "City Council Member",
        "City of Dearborn Heights",
        "Layla is an immigration attorney and the daughter of Lebanese shopkeepers. On the council she wrote "
        "the city's language access ordinance, which covers Arabic, Spanish and Bengali.",
    ),
    SpeakerSpec(
        "Wei-Lin Chen (陳偉琳)",
        "County Supervisor",
        "Santa Clara County",
        "Wei-Lin came to San José from Taipei as a teenager and later led a legal aid clinic for immigrant "
        "families. On the board of supervisors she champions the county's deportation defense fund.",
    ),
    SpeakerSpec(
        "Leona Tsosie",
        "City Council Member",
        "City of Flagstaff",
        "Leona is Diné and an environmental engineer. She leads Flagstaff's heat and wildfire-smoke response "
        "and works with tribal governments on shared water planning.",
    ),
    SpeakerSpec(
        "Zoë Lindqvist",
        "Township Supervisor",
        "Scio Township",
        "Zoë farms forty acres outside Ann Arbor and has led her township board since 2021. She pooled "
        "services with three neighboring townships to pay for flood buyouts and rural broadband.",
    ),
    SpeakerSpec(
        "Magdalena Kowalczyk",
        "City Council President",
        "City of Erie",
        "Magdalena is a retired nurse and a daughter of Polish steelworkers. She steered Erie's first "
        "rental-registry and code-enforcement reform through a divided council.",
    ),
    SpeakerSpec(
        "Marisol Echeverría",
        "Executive Director",
        "Tenant Power Alliance",
        "Marisol organized her own building against a mass eviction in 2014 and now leads a national network "
        "of tenant unions. She helped five cities pass right-to-counsel laws.",
    ),
    SpeakerSpec(
        "Ji-eun Park (박지은)",
        "Alder",
        "City of Madison",
        "Ji-eun is a data scientist who chairs Madison's common council committee on elections. She "
        "championed the city's open data portal and its first participatory budgeting cycle.",
    ),
    SpeakerSpec(
        "Priya Raghunathan",
        "School Board Trustee",
        "Fremont Unified School District",
        "Priya is a former middle school math teacher and a parent of two. On the board she expanded "
        "community schools to eleven campuses and moved district meetings to evenings with interpretation.",
    ),
    SpeakerSpec(
        "Tomás Villanueva",
        "State Representative",
        "Colorado House of Representatives",
        "Tomás served six years on the Aurora school board before winning his seat in the state house. He "
        "sponsored a state law guaranteeing free school meals.",
    ),
    SpeakerSpec(
        "Alex Moreno-Tanaka",
        "City Council Member",
        "City of Tucson",
        "Alex (they/them) is a former youth pastor and housing caseworker. On the council they wrote the "
        "city's nondiscrimination update and fund its LGBTQ youth housing program.",
    ),
    SpeakerSpec(
        "Sam Delacroix-Obi",
        "Executive Director",
        "Trans Futures Midwest",
        "Sam leads a coalition of transgender-led organizations in eight states and advises city "
        "attorneys on protecting access to care when state law turns hostile.",
    ),
    SpeakerSpec(
        "Andre Baptiste",
        "Mayor",
        "City of Ypsilanti",
        "Andre is a former public defender. As mayor he moved mental health calls to a civilian crisis team "
        "that now answers one in five emergency calls in the city.",
    ),
    SpeakerSpec(
        "Jamal Okafor-Reyes",
        "Co-director",
        "Community Safety Lab",
        "Jamal studies what keeps neighborhoods safe and helps cities design and evaluate non-police crisis "
        "response. He previously worked as a violence interrupter in Chicago.",
    ),
    SpeakerSpec(
        "Fatima Jallow",
        "Organizing Director",
        "Gulf Coast Workers Center",
        "Fatima organizes day laborers, home care workers and restaurant workers across Louisiana and "
        "Mississippi. She helped New Orleans set up its office of labor standards.",
    ),
    SpeakerSpec(
        "Siobhán Gallagher",
        "President",
        "Twin Cities Hotel and Restaurant Workers, Local 17",
        "Siobhán started as a banquet server and now leads a union of six thousand hospitality workers. She "
        "negotiated fair-workweek protections with the city's largest hotels.",
    ),
    SpeakerSpec(
        "Trần Quốc Bảo",
        "City Council Member",
        "City of Garden Grove",
        "Bảo came to Orange County as a child of refugees and ran his family's pharmacy on Brookhurst Street "
        "for twenty years. On the council he opened the city's first citizenship center, where volunteers "
        "help eight hundred residents a year apply for naturalization in Vietnamese, Spanish and Korean.",
    ),
    SpeakerSpec(
        "Ingrid Solberg",
        "Mayor",
        "City of Duluth",
        "Ingrid is an energy engineer who spent a decade at the city's steam utility before running for "
        "mayor. She is converting downtown's century-old steam loop to hot water and heat pumps, and wrote "
        "Minnesota's first municipal building performance standard.",
    ),
    SpeakerSpec(
        "Rafael Quiñones-Ortiz",
        "City Council Member",
        "City of Holyoke",
        "Rafael grew up in Holyoke's Flats and worked as a tenant organizer before his election. He helped "
        "the city hand vacant lots to a community land trust that now holds one hundred and forty "
        "permanently affordable homes.",
    ),
    SpeakerSpec(
        "Olusegun Adeyemi",
        "County Commissioner",
        "DeKalb County",
        "Segun chairs the county's board of registration and elections committee. A former poll manager and "
        "civil rights lawyer, he led the recruitment drive that doubled the county's bilingual poll workers.",
    ),
    SpeakerSpec(
        "Hannah Birnbaum",
        "County Clerk and Recorder",
        "Larimer County",
        "Hannah has run elections in her county for nine years and through three recounts. She trains "
        "election officials across the Mountain West on security, transparency and keeping staff safe from "
        "harassment.",
    ),
    SpeakerSpec(
        "Luz María Arriaga",
        "Director of Cooperative Development",
        "Bay Area Worker Ownership Fund",
        "Luz María helps retiring business owners sell to their employees and has converted thirty-one "
        "businesses to worker cooperatives. She advises cities on procurement rules that favor "
        "worker-owned and union employers.",
    ),
    SpeakerSpec(
        "Marcus Bellamy",
        "Chair, Civilian Police Review Board",
        "City of Newark",
        "Marcus is a retired schoolteacher and community board leader. Under his chairmanship Newark's "
        "review board won subpoena power in court and began publishing every use-of-force complaint and its "
        "outcome.",
    ),
    SpeakerSpec(
        "Dolores Tafoya",
        "School Board President",
        "Albuquerque Public Schools",
        "Dolores taught bilingual kindergarten for twenty-two years. As board president she steered the "
        "district through falling enrollment without closing a neighborhood school, and expanded dual "
        "language programs in Spanish, Diné and Vietnamese.",
    ),
    SpeakerSpec(
        "Miguel Ángel Fuentes",
        "City Council Member",
        "City of San Antonio",
        "Miguel Ángel is the first openly gay member of the San Antonio city council. A former home health "
        "aide, he funds the city's LGBTQ senior center and its housing program for young people who have "
        "been put out of their homes.",
    ),
    SpeakerSpec(
        "Ebony Carrington",
        "City Council Member",
        "City of Durham",
        "Ebony is an urban planner and a daughter of Hayti, the Black neighborhood a highway cut in two. She "
        "led Durham's rewrite of its zoning code to allow homes for every budget in every neighborhood, with "
        "protections for longtime residents.",
    ),
    SpeakerSpec(
        "Dr. Aminata Sow",
        "Director of Heat Response and Mitigation",
        "City of Phoenix",
        "Aminata is an epidemiologist who runs the country's first municipal office dedicated to extreme "
        "heat. Her team operates cooling centers, plants shade along bus routes and tracks every heat death "
        "to learn how to prevent the next.",
    ),
)


@dataclass(frozen=True)
class SessionSpec:
    """A program session; `speakers` pairs a speaker's name with their role, in the order they are listed."""

    kind: str
    title: str
    description: str
    slot: str
    room: str
    speakers: tuple[tuple[str, str], ...]
    track: str | None = None


KEYNOTES_AND_PLENARIES = (
    SessionSpec(
        "keynote",
        "Opening keynote: Governing close to home",
        "Mayor Rosa Elena Castañeda on what a decade of local fights for water, wages and housing taught her "
        "about power that lasts. Council Member Yusuf Abdi Warsame welcomes us to Minneapolis.",
        slot="tue-opening",
        room=MAIN_HALL,
        speakers=(("Rosa Elena Castañeda", "keynote"), ("Yusuf Abdi Warsame", "presenter")),
    ),
    SessionSpec(
        "keynote",
        "Keynote: Democracy starts at the city council",
        "Rev. Dr. Charlotte Mayfield on local elections, the officials who run them and how to open "
        "city hall to people who have been shut out of it.",
        slot="wed-keynote",
        room=MAIN_HALL,
        speakers=(("Rev. Dr. Charlotte Mayfield", "keynote"),),
    ),
    SessionSpec(
        "plenary",
        "When the state says no: local power under preemption",
        "State legislatures are overriding local minimum wages, tenant protections, climate rules and "
        "nondiscrimination ordinances. Four officials compare how they kept serving their residents anyway.",
        slot="wed-plenary",
        room=MAIN_HALL,
        speakers=(
            ("Darnell Whitfield", "moderator"),
            ("Layla Haddad (ليلى حداد)", "panelist"),
            ("Alex Moreno-Tanaka", "panelist"),
            ("Leona Tsosie", "panelist"),
        ),
    ),
    SessionSpec(
        "plenary",
        "From the school board to the statehouse",
        "A conversation about running for the next office without leaving your community behind, and about "
        "the officials who decide to stay local.",
        slot="tue-conversation",
        room=MAIN_HALL,
        speakers=(
            ("Fatima Jallow", "moderator"),
            ("Tomás Villanueva", "panelist"),
            ("Priya Raghunathan", "panelist"),
        ),
    ),
    SessionSpec(
        "keynote",
        "Closing keynote: The next ten years",
        "Council Member Keoni Kahananui on rebuilding after disaster, planning for the climate to come and "
        "what island communities can teach the rest of the country.",
        slot="thu-keynote",
        room=MAIN_HALL,
        speakers=(("Keoni Kahananui", "keynote"),),
    ),
    SessionSpec(
        "plenary",
        "Closing plenary: Commitments for the year ahead",
        "Regional caucuses report back, and each of us names one policy we will bring home. We close with "
        "next year's host city.",
        slot="thu-closing",
        room=MAIN_HALL,
        speakers=(("Yusuf Abdi Warsame", "facilitator"),),
    ),
)

MEALS = (
    SessionSpec(
        "meal", "Welcome lunch", "Pick up your badge and join us for lunch.", "tue-lunch", MAIN_HALL, ()
    ),
    SessionSpec(
        "meal",
        "Welcome reception",
        "Dinner and music from Twin Cities artists, with tables hosted by region.",
        "tue-reception",
        MAIN_HALL,
        (),
    ),
    SessionSpec(
        "meal",
        "Breakfast",
        "First-time officials' breakfast tables are by the windows.",
        "wed-breakfast",
        MAIN_HALL,
        (),
    ),
    SessionSpec("meal", "Lunch", "Lunch with tables hosted by each track.", "wed-lunch", MAIN_HALL, ()),
    SessionSpec("meal", "Breakfast", "Regional caucus breakfasts.", "thu-breakfast", MAIN_HALL, ()),
    SessionSpec(
        "meal",
        "Farewell lunch",
        "Boxed lunches to eat here or take to the airport.",
        "thu-lunch",
        MAIN_HALL,
        (),
    ),
)

BREAKOUT_WORKSHOPS = (
    SessionSpec(
        "breakout",
        "Welcoming cities in practice: deportation defense and language access",
        "Cities and counties from Dearborn Heights to Santa Clara have funded legal defense for immigrant "
        "residents and made language access a right rather than a favor. Hear how they wrote the ordinances, "
        "built the budgets and held up under state pushback. Bring a draft policy for peer feedback.",
        slot="tue-breakouts",
        room="Mississippi Room",
        speakers=(("Layla Haddad (ليلى حداد)", "facilitator"), ("Wei-Lin Chen (陳偉琳)", "panelist")),
        track=IMMIGRANTS,
    ),
    SessionSpec(
        "breakout",
        "Climate resilience on a municipal budget",
        "Extreme heat, wildfire smoke and floods land first on local budgets. Learn how a mountain city and "
        "a rural township paid for cooling centers, tree canopy and flood buyouts with federal grants, green "
        "bonds and shared services. Leave with a one-page plan for your next budget cycle.",
        slot="tue-breakouts",
        room="Bde Maka Ska Room",
        speakers=(("Leona Tsosie", "facilitator"), ("Zoë Lindqvist", "presenter")),
        track=CLIMATE,
    ),
    SessionSpec(
        "breakout",
        "Keeping tenants housed: right to counsel and rent stabilization",
        "Evictions fall sharply where tenants have a lawyer, and rents steady where increases have limits. "
        "This workshop walks through the ordinances, the funding and the coalitions that passed them, and "
        "what landlords' lawsuits taught the cities that were sued.",
        slot="tue-breakouts",
        room="Minnehaha Room",
        speakers=(("Magdalena Kowalczyk", "facilitator"), ("Marisol Echeverría", "presenter")),
        track=HOUSING,
    ),
    SessionSpec(
        "breakout",
        "Beyond 911: building a civilian crisis response",
        "Ypsilanti now sends trained civilian teams to mental health and welfare calls. Learn how the city "
        "staffed, dispatched and measured the program, and how to win support from residents and police "
        "alike.",
        slot="tue-breakouts",
        room="Cedar Room",
        speakers=(("Andre Baptiste", "facilitator"), ("Jamal Okafor-Reyes", "presenter")),
        track=POLICING,
    ),
    SessionSpec(
        "breakout",
        "Heat pumps on Main Street: decarbonizing the buildings you already have",
        "Buildings are the largest source of emissions in most cities, and most of the buildings we will "
        "have in 2050 are standing today. Duluth and Hawaiʻi County share how they benchmarked energy use, "
        "set performance standards with owners at the table and paid for heat pumps in homes with low "
        "incomes. Bring your city's building data if you have it.",
        slot="wed-morning-breakouts",
        room="Mississippi Room",
        speakers=(("Ingrid Solberg", "facilitator"), ("Keoni Kahananui", "panelist")),
        track=CLIMATE,
    ),
    SessionSpec(
        "breakout",
        "Homes that stay affordable: community land trusts and social housing",
        "Subsidized homes too often return to market rents after thirty years. Community land trusts and "
        "publicly owned mixed-income housing keep them affordable for good. Learn how Holyoke put vacant "
        "lots into a land trust, how tenant unions shape social housing, and which financing tools work at "
        "the scale of a small city.",
        slot="wed-morning-breakouts",
        room="Bde Maka Ska Room",
        speakers=(("Rafael Quiñones-Ortiz", "presenter"), ("Marisol Echeverría", "panelist")),
        track=HOUSING,
    ),
    SessionSpec(
        "breakout",
        "Elections people trust: poll workers, drop boxes and the people who count the votes",
        "Local officials run every American election, and they are under more pressure than ever. An "
        "election clerk and a county commissioner walk through recruiting and protecting poll workers, "
        "explaining the count to a skeptical public and budgeting for the next presidential year. Time for "
        "questions from officials who certify results.",
        slot="wed-morning-breakouts",
        room="Minnehaha Room",
        speakers=(("Olusegun Adeyemi", "moderator"), ("Hannah Birnbaum", "presenter")),
        track=DEMOCRACY,
    ),
    SessionSpec(
        "breakout",
        "Public dollars, good jobs: procurement, labor agreements and worker ownership",
        "Cities and counties spend billions on contracts each year. Learn how to write labor standards into "
        "procurement, use project labor agreements on public works and help retiring owners sell their "
        "businesses to their employees. Includes model contract language you can take home.",
        slot="wed-morning-breakouts",
        room="Cedar Room",
        speakers=(("Darnell Whitfield", "facilitator"), ("Luz María Arriaga", "presenter")),
        track=WORKERS,
    ),
    SessionSpec(
        "breakout",
        "From green card to citizen: city-run naturalization and legal services",
        "Nearly nine million people in the United States can apply for citizenship today, and cost and "
        "confusion hold most of them back. Garden Grove and Santa Clara County show how a city or county can "
        "run naturalization clinics, cover application fees and partner with legal aid without taking on the "
        "federal government's job.",
        slot="wed-morning-breakouts",
        room="Nokomis Room",
        speakers=(("Trần Quốc Bảo", "facilitator"), ("Wei-Lin Chen (陳偉琳)", "panelist")),
        track=IMMIGRANTS,
    ),
    SessionSpec(
        "breakout",
        "Opening up local democracy: participatory budgets and open data",
        "Residents trust decisions they can see and shape. Two practitioners share how to run a "
        "participatory budgeting cycle, publish spending as open data and reach people who never come to "
        "council meetings.",
        slot="wed-breakouts",
        room="Mississippi Room",
        speakers=(("Ji-eun Park (박지은)", "facilitator"), ("Rev. Dr. Charlotte Mayfield", "panelist")),
        track=DEMOCRACY,
    ),
    SessionSpec(
        "breakout",
        "Community schools that families trust",
        "Community schools bring health care, food, adult classes and family organizers onto campus. Hear "
        "how one district grew from two to eleven community schools and how a state law now pays for them. "
        "For school board members and the city and county officials who partner with them.",
        slot="wed-breakouts",
        room="Bde Maka Ska Room",
        speakers=(("Priya Raghunathan", "facilitator"), ("Tomás Villanueva", "presenter")),
        track=EDUCATION,
    ),
    SessionSpec(
        "breakout",
        "Protecting LGBTQ residents when the state won't",
        "When state law turns hostile, local governments still decide a great deal: nondiscrimination rules, "
        "health benefits, youth housing, police priorities. Learn which protections have held up in court "
        "and how to pass them with broad support.",
        slot="wed-breakouts",
        room="Minnehaha Room",
        speakers=(("Alex Moreno-Tanaka", "facilitator"), ("Sam Delacroix-Obi", "presenter")),
        track=LGBTQ,
    ),
    SessionSpec(
        "breakout",
        "Local labor standards: wage theft enforcement and fair workweeks",
        "A minimum wage is only as strong as its enforcement. Learn how cities set up offices of labor "
        "standards, partner with worker centers to find violations and pass fair-workweek laws for retail "
        "and hospitality workers.",
        slot="wed-breakouts",
        room="Cedar Room",
        speakers=(("Fatima Jallow", "facilitator"), ("Siobhán Gallagher", "presenter")),
        track=WORKERS,
    ),
    SessionSpec(
        "breakout",
        "Civilian oversight with teeth: subpoenas, budgets and public data",
        "Many review boards can only ask politely. Newark's board won subpoena power and now publishes every "
        "complaint and its outcome. Learn what powers an oversight body needs, how to staff and fund it, and "
        "how to measure whether anything changes on the street.",
        slot="wed-breakouts",
        room="Nokomis Room",
        speakers=(("Marcus Bellamy", "presenter"), ("Jamal Okafor-Reyes", "panelist")),
        track=POLICING,
    ),
    SessionSpec(
        "breakout",
        "Budget season for school boards: protecting classrooms when enrollment falls",
        "Enrollment is falling in most districts as pandemic funds run out. Albuquerque kept its "
        "neighborhood schools open and grew its dual language programs anyway. Work through a sample "
        "district budget in small groups and leave with questions to ask your superintendent before the next "
        "vote.",
        slot="thu-breakouts",
        room="Mississippi Room",
        speakers=(("Dolores Tafoya", "facilitator"), ("Tomás Villanueva", "panelist")),
        track=EDUCATION,
    ),
    SessionSpec(
        "breakout",
        "Safe to be seen: services for LGBTQ elders and young people",
        "LGBTQ elders are twice as likely to live alone, and LGBTQ youth are overrepresented among young "
        "people without a home. San Antonio funds a senior center and a youth housing program; a statewide "
        "coalition shares how to keep such services running when state funding is cut or comes with strings.",
        slot="thu-breakouts",
        room="Bde Maka Ska Room",
        speakers=(("Sam Delacroix-Obi", "moderator"), ("Miguel Ángel Fuentes", "presenter")),
        track=LGBTQ,
    ),
    SessionSpec(
        "breakout",
        "Zoning for homes for everyone, without displacement",
        "Ending single-family-only zoning is spreading from Minneapolis to Durham to rural townships. Three "
        "officials compare how they changed their codes, what got built, and the protections for longtime "
        "renters and homeowners that won over skeptical neighbors.",
        slot="thu-breakouts",
        room="Minnehaha Room",
        speakers=(
            ("Magdalena Kowalczyk", "moderator"),
            ("Ebony Carrington", "panelist"),
            ("Zoë Lindqvist", "panelist"),
        ),
        track=HOUSING,
    ),
    SessionSpec(
        "breakout",
        "Extreme heat is a public health emergency: a local playbook",
        "Heat kills more people in the United States than any other weather. Phoenix, Flagstaff and Gulf "
        "Coast worker centers share how they track heat deaths, run cooling centers people actually use and "
        "protect outdoor workers with local ordinances. Leave with a checklist for this summer.",
        slot="thu-breakouts",
        room="Cedar Room",
        speakers=(
            ("Dr. Aminata Sow", "presenter"),
            ("Leona Tsosie", "facilitator"),
            ("Fatima Jallow", "panelist"),
        ),
        track=CLIMATE,
    ),
)

SESSIONS = KEYNOTES_AND_PLENARIES + MEALS + BREAKOUT_WORKSHOPS


@dataclass(frozen=True)
class SponsorSpec:
    name: str
    tier: str
    url: str
    acknowledgement: str


SPONSOR_TIERS = ("Presenting", "Champion", "Partner", "Supporter")  # rank 0 is the most prominent

SPONSORS = (
    SponsorSpec(
        "Hartwell Foundation for Civic Life",
        "Presenting",
        "https://hartwell.example.org",
        "Presenting sponsor, making registration free for every local elected official.",
    ),
    SponsorSpec(
        "United Public Service Workers",
        "Champion",
        "https://upsw.example.org",
        "Sponsors the workers' rights track and the welcome reception.",
    ),
    SponsorSpec(
        "Prairie Commons Fund",
        "Champion",
        "https://prairiecommons.example.org",
        "Funds travel stipends for officials from rural and tribal communities.",
    ),
    SponsorSpec(
        "Center for Local Democracy",
        "Partner",
        "https://localdemocracy.example.org",
        "Sponsors ASL interpretation and live captioning in every plenary.",
    ),
    SponsorSpec(
        "Housing Justice Network",
        "Partner",
        "https://housingjustice.example.org",
        "Sponsors the affordable housing track.",
    ),
    SponsorSpec(
        "Clean Cities Collaborative",
        "Partner",
        "https://cleancities.example.org",
        "Makes our meals locally sourced and zero-waste.",
    ),
    SponsorSpec(
        "Riverbend Community Foundation",
        "Supporter",
        "https://riverbend.example.org",
        "Provides free childcare during all sessions.",
    ),
    SponsorSpec(
        "Northstar Teachers Federation",
        "Supporter",
        "https://northstarteachers.example.org",
        "Sponsors the public education track.",
    ),
    SponsorSpec(
        "Immigrant Legal Defense Fund",
        "Supporter",
        "https://legaldefense.example.org",
        "Sponsors Spanish, Vietnamese and Somali interpretation at the convening.",
    ),
    SponsorSpec(
        "Voting Access Project",
        "Supporter",
        "https://votingaccess.example.org",
        "Sponsors the first-time officials' breakfast.",
    ),
)


# --- sample attendees -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeaturedAttendee:
    """Someone who is always among the sample attendees, so names in every script can be looked for."""

    first_name: str
    family_name: str
    badge_name: str
    email: str
    pronouns: str
    title: str
    organization: str
    city: str
    state: str
    dietary: str = "none"
    ticket_type: str = ELECTED_OFFICIAL
    badge_role: str | None = None  # set by staff, over the ticket's and the program's


FEATURED_ATTENDEES = (
    FeaturedAttendee(
        "Héctor",
        "Ramírez",
        "Héctor Ramírez",
        "hector.ramirez@example.org",
        "he/him",
        "City Council Member",
        "City of Tucson",
        "Tucson",
        "AZ",
    ),
    FeaturedAttendee(
        "Minh Khai",
        "Nguyễn Thị",
        "Nguyễn Thị Minh Khai",
        "minhkhai.nguyen@example.net",
        "she/her",
        "City Council Member",
        "City of Westminster",
        "Westminster",
        "CA",
        dietary="vegetarian",
    ),
    FeaturedAttendee(
        "小龍",
        "李",
        "李小龍",
        "xiaolong.li@example.com",
        "",
        "School Board Trustee",
        "San Francisco Unified School District",
        "San Francisco",
        "CA",
    ),
    FeaturedAttendee(
        "محمد",
        "عبد الله",
        "محمد عبد الله",
        "mohammed.abdullah@example.org",
        "he/him",
        "City Council Member",
        "City of Dearborn",
        "Dearborn",
        "MI",
        dietary="halal",
    ),
    FeaturedAttendee(
        "Ελένη",
        "Αντωνίου",
        "Ελένη Αντωνίου",
        "eleni.antoniou@example.org",
        "she/her",
        "City Commissioner",
        "City of Tarpon Springs",
        "Tarpon Springs",
        "FL",
    ),
    # Speakers who register with the address the program has for them: their badges say SPEAKER and their
    # backs list their own sessions.
    FeaturedAttendee(
        "Rosa Elena",
        "Castañeda",
        "Rosa Elena Castañeda",
        "rosa.elena.castaneda@example.com",
        "she/her",
        "Mayor",
        "City of Las Cruces",
        "Las Cruces",
        "NM",
    ),
    FeaturedAttendee(
        "Yusuf",
        "Abdi Warsame",
        "Yusuf Abdi Warsame",
        "yusuf.abdi.warsame@example.com",
        "he/him",
        "City Council Member",
        "City of Minneapolis",
        "Minneapolis",
        "MN",
        dietary="halal",
    ),
    FeaturedAttendee(
        "Layla",
        "Haddad",
        "Layla Haddad",
        "layla.haddad@example.com",
        "she/her",
        "City Council Member",
        "City of Dearborn Heights",
        "Dearborn Heights",
        "MI",
    ),
    FeaturedAttendee(
        "Світлана",
        "Мельник",
        "Світлана Мельник",
        "svitlana.melnyk@example.net",
        "she/her",
        "Correspondent",
        "Chicago Ukrainian Courier",
        "Chicago",
        "IL",
        ticket_type=PRESS,
    ),
    FeaturedAttendee(
        "Theodore",
        "Quarshie",
        "Teddy Quarshie",
        "teddy.quarshie@example.org",
        "he/him",
        "Director of Grantmaking",
        "Hartwell Foundation for Civic Life",
        "Chicago",
        "IL",
        ticket_type=SPONSOR_GUEST,
    ),
    FeaturedAttendee(
        "Marisol",
        "Etxeberria",
        "Marisol Etxeberria",
        "marisol.etxeberria@example.org",
        "she/they",
        "Operations Director",
        HOST_ORGANIZATION,
        "Minneapolis",
        "MN",
        ticket_type=STAFF_AND_GUESTS,
        badge_role="staff",
    ),
    FeaturedAttendee(
        "Bryn",
        "Kjellberg",
        "Bryn Kjellberg",
        "bryn.kjellberg@example.org",
        "they/them",
        "Volunteer Coordinator",
        HOST_ORGANIZATION,
        "Saint Paul",
        "MN",
        ticket_type=STAFF_AND_GUESTS,
        badge_role="staff",
    ),
)


@dataclass(frozen=True)
class NameTradition:
    """Given and family names that belong together, and how often its people ask for halal or kosher meals."""

    women: tuple[str, ...]
    men: tuple[str, ...]
    family_names: tuple[str, ...]
    weight: int
    halal_share: float = 0.0
    kosher_share: float = 0.0


# Featured attendees' names are left out on purpose, so a search for them finds exactly one person.
NAME_TRADITIONS = (
    NameTradition(  # Latino
        ("María José", "Guadalupe", "Sofía", "Ximena", "Mónica", "Yesenia", "Carmen", "Lucía", "Marisela"),
        ("Alejandro", "Joaquín", "Raúl", "Andrés", "Luis", "Julián", "Efraín", "Rubén", "Mateo"),
        (
            "García",
            "Hernández",
            "López",
            "Martínez",
            "Gómez",
            "Flores",
            "Morales",
            "Ortiz",
            "Peña",
            "Rodríguez",
            "Núñez",
            "Vázquez",
            "Castillo",
            "Delgado",
        ),
        weight=18,
    ),
    NameTradition(  # Black American
        ("Aaliyah", "Keisha", "Tamika", "Imani", "Ebony", "Latoya", "Jasmine", "Brianna", "Monique"),
        ("DeShawn", "Marcus", "Jerome", "Terrence", "Malik", "Andre", "Darius", "Reginald", "Cedric"),
        (
            "Washington",
            "Jackson",
            "Robinson",
            "Harris",
            "Coleman",
            "Brooks",
            "Jenkins",
            "Freeman",
            "Banks",
            "Mitchell",
            "Carter",
            "Dixon",
        ),
        weight=16,
    ),
    NameTradition(  # Vietnamese
        ("Thảo", "Linh", "Hương", "Phương", "Quỳnh", "Trang", "Hoa"),
        ("Tuấn", "Bảo", "Đức", "Quang", "Huy", "Long", "Vinh"),
        ("Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"),
        weight=5,
    ),
    NameTradition(  # Chinese American
        ("Mei-Ling", "Xiaoyan", "Jia", "Yifan", "Li Na", "Hui"),
        ("Wei", "Jun", "Hao", "Zhiwei", "Ming", "Kai"),
        ("Chen", "Wang", "Zhang", "Liu", "Huang", "Lin", "Wu", "Chan"),
        weight=5,
    ),
    NameTradition(  # Korean American
        ("Ji-woo", "Seo-yeon", "Eun-ji", "Min-seo", "Hye-jin"),
        ("Min-jun", "Dae-sung", "Hyun-woo", "Jae-ho", "Sung-min"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Han", "Yoon"),
        weight=4,
    ),
    NameTradition(  # South Asian American
        ("Ananya", "Deepa", "Sunita", "Farhana", "Harpreet", "Kavya", "Nusrat"),
        ("Rohan", "Arjun", "Vikram", "Imran", "Gurpreet", "Sanjay", "Tanvir"),
        ("Patel", "Sharma", "Singh", "Reddy", "Iyer", "Chowdhury", "Gill", "Desai", "Rahman"),
        weight=7,
        halal_share=0.2,
    ),
    NameTradition(  # Arab American
        ("Yasmin", "Rania", "Nour", "Hana", "Salma", "Dalia"),
        ("Omar", "Khalid", "Samir", "Tariq", "Karim", "Youssef"),
        ("Haddad", "Khalil", "Saleh", "Mansour", "Aziz", "Nasser", "Hamdan"),
        weight=4,
        halal_share=0.5,
    ),
    NameTradition(  # Somali American
        ("Hodan", "Fartun", "Ifrah", "Sahra", "Ayan", "Hamdi"),
        ("Abdirahman", "Mahad", "Abdullahi", "Farhan", "Liban", "Bashir"),
        ("Mohamud", "Hassan", "Abdi", "Osman", "Jama", "Farah", "Ali", "Yusuf"),
        weight=4,
        halal_share=0.8,
    ),
    NameTradition(  # Native American
        ("Shandiin", "Nizhoni", "Kiona", "Jolene", "Raven", "Dezbah"),
        ("Waylon", "Marlon", "Tristan", "Dakota", "Lorenzo", "Shane"),
        (
            "Begay",
            "Yazzie",
            "Benally",
            "Two Bears",
            "Redhorse",
            "Harjo",
            "Cornsilk",
            "Manuelito",
            "Whitehorse",
        ),
        weight=4,
    ),
    NameTradition(  # Hmong American
        ("Mai Nou", "Pa Nhia", "Yer", "Bao", "Kia"),
        ("Tou", "Kou", "Pheng", "Chue", "Fue"),
        ("Vang", "Xiong", "Yang", "Thao", "Her", "Moua", "Lor"),
        weight=3,
    ),
    NameTradition(  # Filipino American
        ("Maricel", "Rowena", "Analyn", "Jocelyn", "Liza"),
        ("Ramon", "Joel", "Rodel", "Arnel", "Paolo"),
        ("Santos", "Reyes", "Dela Cruz", "Bautista", "Mendoza", "Aquino", "Soriano"),
        weight=3,
    ),
    NameTradition(  # Eastern European American
        ("Katarzyna", "Olena", "Milena", "Ivana", "Jelena", "Agnieszka"),
        ("Piotr", "Dmytro", "Tomasz", "Bogdan", "Michał", "Nikola"),
        ("Nowak", "Shevchenko", "Horvat", "Novák", "Bondarenko", "Petrović", "Kovač", "Zieliński"),
        weight=5,
    ),
    NameTradition(  # Irish American
        ("Siobhán", "Aoife", "Niamh", "Bridget", "Maeve", "Caitlin"),
        ("Declan", "Ciarán", "Seamus", "Patrick", "Eoin", "Brendan"),
        ("O'Brien", "Murphy", "Kelly", "McCarthy", "Byrne", "Doyle", "O'Connor", "Ó Súilleabháin"),
        weight=5,
    ),
    NameTradition(  # Jewish American
        ("Rachel", "Miriam", "Naomi", "Leah", "Talia"),
        ("Ari", "Eli", "Daniel", "Jonah", "Noam"),
        ("Cohen", "Goldberg", "Rosen", "Friedman", "Katz", "Levine", "Shapiro"),
        weight=4,
        kosher_share=0.2,
    ),
    NameTradition(  # Scandinavian and German, the Upper Midwest
        ("Emily", "Sarah", "Kristin", "Ingrid", "Hannah", "Megan", "Katherine"),
        ("James", "Michael", "Erik", "Matthew", "Lars", "David", "Nathan"),
        ("Anderson", "Johnson", "Olson", "Peterson", "Larson", "Schmidt", "Lindgren", "Halvorsen"),
        weight=9,
    ),
    NameTradition(  # Japanese American
        ("Naomi", "Emiko", "Keiko", "Aiko"),
        ("Kenji", "Hiroshi", "Daniel", "Ryo"),
        ("Tanaka", "Nakamura", "Yamamoto", "Watanabe", "Kobayashi"),
        weight=2,
    ),
    NameTradition(  # West African American
        ("Adaeze", "Abena", "Fatou", "Chiamaka", "Aminata"),
        ("Kwame", "Oluwaseun", "Emeka", "Moussa", "Kofi"),
        ("Okafor", "Mensah", "Diallo", "Adeyemi", "Sow", "Boateng"),
        weight=3,
    ),
)

# Names people of any background go by, with they/them more often than not.
GENDER_NEUTRAL_NAMES = ("Alex", "Jordan", "Sam", "Riley", "Casey", "Rowan", "Sage", "Quinn")


@dataclass(frozen=True)
class Place:
    """A real US city and the local governments its officials serve on."""

    city: str
    state: str
    area_code: str
    county: str | None
    county_title: str | None
    school_district: str
    council_title: str = "City Council Member"
    city_government: str = ""  # "City of <city>" unless set

    @property
    def government(self) -> str:
        return self.city_government or f"City of {self.city}"


PLACES = (
    Place("Tucson", "AZ", "520", "Pima County", "County Supervisor", "Tucson Unified School District"),
    Place(
        "Phoenix", "AZ", "602", "Maricopa County", "County Supervisor", "Phoenix Union High School District"
    ),
    Place(
        "Flagstaff", "AZ", "928", "Coconino County", "County Supervisor", "Flagstaff Unified School District"
    ),
    Place("Minneapolis", "MN", "612", "Hennepin County", "County Commissioner", "Minneapolis Public Schools"),
    Place("Saint Paul", "MN", "651", "Ramsey County", "County Commissioner", "Saint Paul Public Schools"),
    Place("Duluth", "MN", "218", "St. Louis County", "County Commissioner", "Duluth Public Schools"),
    Place(
        "Madison",
        "WI",
        "608",
        "Dane County",
        "County Supervisor",
        "Madison Metropolitan School District",
        council_title="Alder",
    ),
    Place(
        "Milwaukee",
        "WI",
        "414",
        "Milwaukee County",
        "County Supervisor",
        "Milwaukee Public Schools",
        council_title="Alderperson",
    ),
    Place(
        "Chicago",
        "IL",
        "312",
        "Cook County",
        "County Commissioner",
        "Chicago Public Schools",
        council_title="Alderperson",
    ),
    Place(
        "Evanston", "IL", "847", "Cook County", "County Commissioner", "Evanston/Skokie School District 65"
    ),
    Place("Dearborn", "MI", "313", "Wayne County", "County Commissioner", "Dearborn Public Schools"),
    Place(
        "Detroit",
        "MI",
        "313",
        "Wayne County",
        "County Commissioner",
        "Detroit Public Schools Community District",
    ),
    Place("Ann Arbor", "MI", "734", "Washtenaw County", "County Commissioner", "Ann Arbor Public Schools"),
    Place("Columbus", "OH", "614", "Franklin County", "County Commissioner", "Columbus City Schools"),
    Place(
        "Cleveland",
        "OH",
        "216",
        "Cuyahoga County",
        "County Council Member",
        "Cleveland Metropolitan School District",
    ),
    Place(
        "Pittsburgh", "PA", "412", "Allegheny County", "County Council Member", "Pittsburgh Public Schools"
    ),
    Place("Philadelphia", "PA", "215", None, None, "School District of Philadelphia"),
    Place("New Haven", "CT", "203", None, None, "New Haven Public Schools", council_title="Alder"),
    Place("Providence", "RI", "401", None, None, "Providence Public Schools"),
    Place("Somerville", "MA", "617", None, None, "Somerville Public Schools", council_title="City Councilor"),
    Place(
        "Burlington", "VT", "802", None, None, "Burlington School District", council_title="City Councilor"
    ),
    Place(
        "Lewiston",
        "ME",
        "207",
        "Androscoggin County",
        "County Commissioner",
        "Lewiston Public Schools",
        council_title="City Councilor",
    ),
    Place(
        "Ithaca",
        "NY",
        "607",
        "Tompkins County",
        "County Legislator",
        "Ithaca City School District",
        council_title="Common Council Member",
    ),
    Place(
        "Buffalo",
        "NY",
        "716",
        "Erie County",
        "County Legislator",
        "Buffalo Public Schools",
        council_title="Common Council Member",
    ),
    Place("Baltimore", "MD", "410", None, None, "Baltimore City Public Schools"),
    Place("Richmond", "VA", "804", None, None, "Richmond Public Schools"),
    Place("Durham", "NC", "919", "Durham County", "County Commissioner", "Durham Public Schools"),
    Place("Atlanta", "GA", "404", "Fulton County", "County Commissioner", "Atlanta Public Schools"),
    Place(
        "Savannah",
        "GA",
        "912",
        "Chatham County",
        "County Commissioner",
        "Savannah-Chatham County Public Schools",
        council_title="Alder",
    ),
    Place(
        "Miami",
        "FL",
        "305",
        "Miami-Dade County",
        "County Commissioner",
        "Miami-Dade County Public Schools",
        council_title="City Commissioner",
    ),
    Place(
        "Orlando",
        "FL",
        "407",
        "Orange County",
        "County Commissioner",
        "Orange County Public Schools",
        council_title="City Commissioner",
    ),
    Place("Jackson", "MS", "601", "Hinds County", "County Supervisor", "Jackson Public Schools"),
    Place("Memphis", "TN", "901", "Shelby County", "County Commissioner", "Memphis-Shelby County Schools"),
    Place(
        "Nashville",
        "TN",
        "615",
        None,
        None,
        "Metro Nashville Public Schools",
        council_title="Metro Council Member",
        city_government="Metropolitan Government of Nashville",
    ),
    Place(
        "Louisville",
        "KY",
        "502",
        None,
        None,
        "Jefferson County Public Schools",
        council_title="Metro Council Member",
        city_government="Louisville Metro Government",
    ),
    Place("New Orleans", "LA", "504", None, None, "NOLA Public Schools"),
    Place(
        "Houston", "TX", "713", "Harris County", "County Commissioner", "Houston Independent School District"
    ),
    Place(
        "San Antonio",
        "TX",
        "210",
        "Bexar County",
        "County Commissioner",
        "San Antonio Independent School District",
    ),
    Place(
        "Austin", "TX", "512", "Travis County", "County Commissioner", "Austin Independent School District"
    ),
    Place(
        "El Paso",
        "TX",
        "915",
        "El Paso County",
        "County Commissioner",
        "El Paso Independent School District",
        council_title="City Representative",
    ),
    Place(
        "Albuquerque",
        "NM",
        "505",
        "Bernalillo County",
        "County Commissioner",
        "Albuquerque Public Schools",
        council_title="City Councilor",
    ),
    Place(
        "Las Cruces",
        "NM",
        "575",
        "Doña Ana County",
        "County Commissioner",
        "Las Cruces Public Schools",
        council_title="City Councilor",
    ),
    Place(
        "Gallup",
        "NM",
        "505",
        "McKinley County",
        "County Commissioner",
        "Gallup-McKinley County Schools",
        council_title="City Councilor",
    ),
    Place("Denver", "CO", "303", None, None, "Denver Public Schools"),
    Place("Aurora", "CO", "303", "Arapahoe County", "County Commissioner", "Aurora Public Schools"),
    Place(
        "Salt Lake City",
        "UT",
        "801",
        "Salt Lake County",
        "County Council Member",
        "Salt Lake City School District",
    ),
    Place("Seattle", "WA", "206", "King County", "County Council Member", "Seattle Public Schools"),
    Place("Tacoma", "WA", "253", "Pierce County", "County Council Member", "Tacoma Public Schools"),
    Place(
        "Portland",
        "OR",
        "503",
        "Multnomah County",
        "County Commissioner",
        "Portland Public Schools",
        council_title="City Councilor",
    ),
    Place("Oakland", "CA", "510", "Alameda County", "County Supervisor", "Oakland Unified School District"),
    Place(
        "San Jose", "CA", "408", "Santa Clara County", "County Supervisor", "San Jose Unified School District"
    ),
    Place(
        "Long Beach",
        "CA",
        "562",
        "Los Angeles County",
        "County Supervisor",
        "Long Beach Unified School District",
    ),
    Place("Fresno", "CA", "559", "Fresno County", "County Supervisor", "Fresno Unified School District"),
    Place("Des Moines", "IA", "515", "Polk County", "County Supervisor", "Des Moines Public Schools"),
    Place("Lincoln", "NE", "402", "Lancaster County", "County Commissioner", "Lincoln Public Schools"),
    Place("Kansas City", "MO", "816", "Jackson County", "County Legislator", "Kansas City Public Schools"),
    Place("St. Louis", "MO", "314", None, None, "St. Louis Public Schools", council_title="Alder"),
    Place(
        "Anchorage",
        "AK",
        "907",
        None,
        None,
        "Anchorage School District",
        council_title="Assembly Member",
        city_government="Municipality of Anchorage",
    ),
)


@dataclass(frozen=True)
class Township:
    name: str
    city: str
    state: str
    area_code: str
    title: str


TOWNSHIPS = (
    Township("Ypsilanti Charter Township", "Ypsilanti", "MI", "734", "Township Supervisor"),
    Township("Scio Township", "Ann Arbor", "MI", "734", "Township Trustee"),
    Township("Grand Rapids Charter Township", "Grand Rapids", "MI", "616", "Township Supervisor"),
    Township("Cranberry Township", "Cranberry Township", "PA", "724", "Township Supervisor"),
    Township("Lower Merion Township", "Ardmore", "PA", "610", "Township Commissioner"),
    Township("Maplewood Township", "Maplewood", "NJ", "973", "Township Committee Member"),
    Township("White Bear Township", "White Bear Lake", "MN", "651", "Town Board Supervisor"),
)

# Only states whose lower house is called the House of Representatives, so the title reads right.
STATE_HOUSES = {
    "AZ": "Arizona House of Representatives",
    "MN": "Minnesota House of Representatives",
    "MI": "Michigan House of Representatives",
    "OH": "Ohio House of Representatives",
    "PA": "Pennsylvania House of Representatives",
    "GA": "Georgia House of Representatives",
    "TX": "Texas House of Representatives",
    "NM": "New Mexico House of Representatives",
    "CO": "Colorado House of Representatives",
    "WA": "Washington House of Representatives",
    "IL": "Illinois House of Representatives",
    "MA": "Massachusetts House of Representatives",
    "CT": "Connecticut House of Representatives",
    "MO": "Missouri House of Representatives",
    "NC": "North Carolina House of Representatives",
    "TN": "Tennessee House of Representatives",
    "IA": "Iowa House of Representatives",
    "FL": "Florida House of Representatives",
    "MS": "Mississippi House of Representatives",
    "LA": "Louisiana House of Representatives",
    "UT": "Utah House of Representatives",
    "KY": "Kentucky House of Representatives",
    "ME": "Maine House of Representatives",
    "VT": "Vermont House of Representatives",
    "RI": "Rhode Island House of Representatives",
    "AK": "Alaska House of Representatives",
    "OR": "Oregon House of Representatives",
}

PARTNER_ORGANIZATIONS = (
    "Tenant Power Alliance",
    "Center for Local Democracy",
    "Housing Justice Network",
    "Clean Cities Collaborative",
    "Immigrant Legal Defense Fund",
    "Gulf Coast Workers Center",
    "Community Safety Lab",
    "Trans Futures Midwest",
    "Voting Access Project",
    "Southern Democracy Project",
    "Hartwell Foundation for Civic Life",
    "United Public Service Workers",
    "Prairie Commons Fund",
    "Northstar Teachers Federation",
    "Language Justice Cooperative",
    "Rural Organizing Network",
    "Youth Climate Corps",
    "Public Power Institute",
)
PARTNER_TITLES = (
    "Executive Director",
    "Deputy Director",
    "Policy Director",
    "Policy Analyst",
    "Senior Organizer",
    "Organizer",
    "Field Director",
    "Program Officer",
    "Campaign Manager",
    "Research Analyst",
    "Legal Director",
    "Communications Director",
)
STAFF_TITLES = (
    "Program Manager",
    "Events Coordinator",
    "Volunteer Coordinator",
    "Communications Associate",
    "Field Organizer",
    "Operations Director",
)

EMAIL_DOMAINS = ("example.org", "example.com", "example.net")

DIETARY_NOTES = (
    "Severe peanut and tree nut allergy.",
    "No pork, please.",
    "Dairy-free.",
    "Shellfish allergy.",
    "Low-sodium meals, please.",
)
ACCESSIBILITY_NEEDS = (
    "Wheelchair access",
    "ASL interpretation",
    "Live captioning (CART) in all sessions",
    "Reserved seat near the front; I have low vision.",
    "Access to the quiet room between sessions",
    "Step-free route between rooms; I use a walker.",
)
