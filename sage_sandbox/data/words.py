"""Word lists the demo data draws from: UK places, people, businesses and a stationery catalogue."""

from __future__ import annotations

# (town, county, postcode area) — real UK towns with their postcode areas
TOWNS: tuple[tuple[str, str, str], ...] = (
    ("Manchester", "Greater Manchester", "M"), ("Birmingham", "West Midlands", "B"),
    ("Leeds", "West Yorkshire", "LS"), ("Newcastle upon Tyne", "Tyne and Wear", "NE"),
    ("Bristol", "Avon", "BS"), ("Nottingham", "Nottinghamshire", "NG"), ("Leicester", "Leicestershire", "LE"),
    ("Sheffield", "South Yorkshire", "S"), ("Liverpool", "Merseyside", "L"), ("Cardiff", "South Glamorgan", "CF"),
    ("Reading", "Berkshire", "RG"), ("Oxford", "Oxfordshire", "OX"), ("Cambridge", "Cambridgeshire", "CB"),
    ("Norwich", "Norfolk", "NR"), ("Exeter", "Devon", "EX"), ("York", "North Yorkshire", "YO"),
    ("Brighton", "East Sussex", "BN"), ("Southampton", "Hampshire", "SO"), ("Derby", "Derbyshire", "DE"),
    ("Coventry", "West Midlands", "CV"), ("Stoke-on-Trent", "Staffordshire", "ST"), ("Preston", "Lancashire", "PR"),
    ("Hull", "East Yorkshire", "HU"), ("Chester", "Cheshire", "CH"), ("Bath", "Somerset", "BA"),
    ("Gloucester", "Gloucestershire", "GL"), ("Lincoln", "Lincolnshire", "LN"), ("Ipswich", "Suffolk", "IP"),
    ("Milton Keynes", "Buckinghamshire", "MK"), ("Swindon", "Wiltshire", "SN"), ("Edinburgh", "Midlothian", "EH"),
    ("Glasgow", "Lanarkshire", "G"), ("Aberdeen", "Aberdeenshire", "AB"), ("Belfast", "County Antrim", "BT"),
    ("Swansea", "West Glamorgan", "SA"), ("Peterborough", "Cambridgeshire", "PE"), ("Durham", "County Durham", "DH"),
    ("Carlisle", "Cumbria", "CA"), ("Plymouth", "Devon", "PL"), ("Worcester", "Worcestershire", "WR"),
)

STREETS: tuple[str, ...] = (
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Road", "London Road",
    "Kings Road", "Queen Street", "Market Place", "The Green", "Bridge Street", "Castle Street", "North Street",
    "Manor Road", "Chapel Street", "Albert Road", "Grange Road", "Springfield Way", "Harbour Walk",
)
ESTATES: tuple[str, ...] = (
    "Riverside Business Park", "Enterprise Way", "Phoenix Industrial Estate", "Meridian Court", "Kingsway House",
    "Oak Tree Business Centre", "Canal Side", "Waterfront Plaza", "Lancaster House", "Innovation Centre",
)

FIRST_NAMES: tuple[str, ...] = (
    "James", "Oliver", "Harry", "George", "Jack", "Thomas", "William", "Daniel", "Samuel", "Joseph", "Emily",
    "Olivia", "Amelia", "Sophie", "Jessica", "Charlotte", "Lucy", "Hannah", "Grace", "Chloe", "Rachel", "Helen",
    "Sarah", "Claire", "David", "Michael", "Andrew", "Peter", "Richard", "Stephen", "Karen", "Susan", "Fiona",
)
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Lewis", "Harris", "Morgan", "Hughes", "Edwards", "Turner", "Cooper", "Hill", "Ward", "Baker",
)
SALUTATIONS: tuple[tuple[str, str], ...] = (("Mr.", "Mr."), ("Mrs.", "Mrs."), ("Ms.", "Ms."), ("Miss", "Miss"),
                                            ("Dr.", "Doctor"))

BUSINESS_WORDS: tuple[str, ...] = (
    "Abbey", "Acorn", "Albion", "Apex", "Beacon", "Bluebell", "Bridgewater", "Castle", "Cedar", "Chiltern",
    "Clarion", "Cotswold", "Crown", "Daisy", "Dove", "Eden", "Elm", "Falcon", "Foxglove", "Granite", "Harbour",
    "Heritage", "Highland", "Horizon", "Ivy", "Juniper", "Kestrel", "Kingfisher", "Lakeside", "Lark", "Lion",
    "Maple", "Meadow", "Mercury", "Northgate", "Oakwood", "Orchard", "Pennine", "Phoenix", "Pinnacle",
    "Quayside", "Regent", "Riverside", "Rowan", "Sapphire", "Severn", "Solent", "Sovereign", "Summit", "Thames",
    "Trident", "Unity", "Vale", "Vanguard", "Victoria", "Willow", "Windsor", "Yew", "Zenith",
)
BUSINESS_KINDS: tuple[str, ...] = (
    "Design Services", "Accountants", "Architects", "Dental Practice", "Solicitors", "Estate Agents",
    "Print Shop", "Surveyors", "Veterinary Group", "Garden Centre", "Builders Merchants", "Consulting",
    "Engineering", "Logistics", "Medical Centre", "Primary School", "Academy", "Hotel", "Leisure Centre",
    "Motor Company", "Insurance Brokers", "Marketing", "Recruitment", "Photography", "Travel",
)
BUSINESS_SUFFIXES: tuple[str, ...] = ("Ltd", "Limited", "& Co", "LLP", "Group", "Plc", "")

SUPPLIER_KINDS: tuple[str, ...] = (
    "Office Supplies", "Paper Mills", "Computer Distribution", "Electronics", "Furniture", "Packaging",
    "Ink & Toner", "Wholesale", "Logistics", "Software", "Imports", "Trading",
)

# (code prefix, group description, product names with a base price in GBP)
CATALOGUE: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = (
    ("PAP", "Paper & Pads", (("A4 Copier Paper 80gsm (Box of 5 reams)", 21.99), ("A3 Copier Paper 80gsm Ream", 9.49),
                             ("A4 Ruled Pad 80 Sheets", 1.35), ("Spiral Notebook A5", 2.10),
                             ("Sticky Notes 76x76 Yellow (12)", 4.75), ("Coloured Card A4 Assorted", 6.40),
                             ("Envelopes DL White (500)", 12.80), ("Envelopes C4 Manilla (250)", 17.25))),
    ("PEN", "Writing Instruments", (("Ballpoint Pen Blue (50)", 7.95), ("Gel Pen Black (12)", 6.20),
                                    ("Highlighter Assorted (4)", 2.85), ("Whiteboard Marker Black (10)", 8.60),
                                    ("Fountain Pen Executive", 24.99), ("HB Pencil with Eraser (12)", 1.99))),
    ("FIL", "Filing & Storage", (("Lever Arch File A4 Blue", 2.45), ("Ring Binder 2-Ring A4", 1.20),
                                 ("Suspension Files Foolscap (50)", 14.90), ("Archive Box (10)", 18.75),
                                 ("Document Wallet Assorted (50)", 9.30), ("Punched Pockets (100)", 3.60))),
    ("DSK", "Desk Accessories", (("Stapler Full Strip", 6.95), ("Staples 26/6 (5000)", 1.40),
                                 ("Hole Punch 2-Hole", 5.25), ("Desk Tidy Mesh", 7.80),
                                 ("Scissors 210mm", 2.60), ("Letter Tray Black", 3.15), ("Tape Dispenser", 4.40))),
    ("INK", "Ink & Toner", (("Black Toner Cartridge HL-5450", 54.00), ("Colour Ink Multipack 603XL", 38.50),
                            ("Black Ink Cartridge 302XL", 21.75), ("Drum Unit DR-3400", 89.00),
                            ("Toner Cyan TN-421", 47.20))),
    ("CMP", "Computers", (("Laptop 14in i5 16GB 512GB", 649.00), ("Desktop PC i7 32GB 1TB", 899.00),
                          ("Chromebook 11.6in", 229.00), ("Mini PC i3 8GB", 349.00),
                          ("Workstation Xeon 64GB", 1849.00))),
    ("MON", "Monitors & Displays", (("Monitor 24in Full HD", 119.00), ("Monitor 27in QHD", 219.00),
                                    ("Monitor Arm Dual", 64.50), ("Projector 3500 Lumens", 449.00))),
    ("PER", "Peripherals", (("Wireless Keyboard and Mouse Set", 34.99), ("USB-C Docking Station", 129.00),
                            ("Webcam 1080p", 45.00), ("Headset USB Noise Cancelling", 59.00),
                            ("External SSD 1TB", 84.00), ("USB Flash Drive 64GB", 8.99))),
    ("PRN", "Printers", (("Mono Laser Printer", 189.00), ("Colour Laser MFP", 429.00),
                         ("Inkjet All-in-One", 99.00), ("Label Printer", 129.00))),
    ("NET", "Networking", (("Gigabit Switch 24-Port", 159.00), ("Wireless Access Point", 109.00),
                           ("Cat6 Patch Lead 2m (10)", 14.50), ("Router VDSL", 139.00))),
    ("FUR", "Office Furniture", (("Ergonomic Office Chair", 189.00), ("Desk 1600mm Oak", 249.00),
                                 ("Filing Cabinet 4-Drawer", 215.00), ("Bookcase 5-Shelf", 129.00))),
    ("SRV", "Services", (("Installation Service (per hour)", 65.00), ("On-site Support Visit", 120.00),
                         ("Extended Warranty 3 Years", 99.00), ("Delivery Charge", 9.95))),
)

DOCUMENT_STATUSES: tuple[str, ...] = (
    "EnumDocumentStatusLive", "EnumDocumentStatusComplete", "EnumDocumentStatusOnHold",
    "EnumDocumentStatusCancelled",
)
USERS: tuple[str, ...] = ("MANAGER", "jsmith", "kpatel", "rwilson", "accounts", "sales1", "warehouse")
