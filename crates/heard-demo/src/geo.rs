//! The borough's fixed geography: towns, streets and their postcodes.
//!
//! Geography does not depend on the seed, so every demo council has the same map and a
//! street named in a planted pattern always exists.

use heard_core::customer::{Address, Postcode, Uprn};

/// A town in the borough and the postcode districts it uses.
pub(crate) struct Town {
    pub name: &'static str,
    pub districts: &'static [&'static str],
}

/// Fictional towns; the `DM` postcode area is not one Royal Mail uses.
pub(crate) const TOWNS: &[Town] = &[
    Town {
        name: "Demminster",
        districts: &["DM1", "DM2", "DM3"],
    },
    Town {
        name: "Brackenfold",
        districts: &["DM4"],
    },
    Town {
        name: "Kelham Bridge",
        districts: &["DM5"],
    },
    Town {
        name: "Ashby Marsh",
        districts: &["DM6"],
    },
    Town {
        name: "Wyndleigh",
        districts: &["DM7", "DM8"],
    },
];

/// Street names; position decides town and postcode, so the list is append-only.
#[rustfmt::skip]
const STREET_NAMES: &[&str] = &[
    "Castle Street", "Wharf Road", "Market Place", "Station Road", "Church Street", "Mill Lane",
    "Victoria Road", "Albert Terrace", "Tanyard Lane", "Foundry Road", "Hollins Lane",
    "Market Street", "Chapel Walk", "Priory Close", "Orchard Way", "Beechwood Avenue",
    "Sycamore Drive", "Kingfisher Close", "Ropewalk", "Canal Side", "Cromwell Road",
    "Nelson Street", "Gladstone Terrace", "Prospect Hill", "Bridge Street", "Saxon Way",
    "Fairfield Road", "Meadow Bank", "Brook Lane", "Larkspur Grove", "Holly Road",
    "Ashfield Crescent", "Hawthorn Close", "Rowan Court", "Chestnut Walk", "Elm Grove",
    "Willow Bank", "Cedar Road", "Poplar Avenue", "Linden Way", "Granary Court", "Malthouse Lane",
    "Tannery Row", "Weavers Close", "Spinners Way", "Cobblers Yard", "Bakehouse Lane",
    "Forge Close", "Smithy Lane", "Coopers Row", "Abbotsford Road", "Pennine View", "Moorland Road",
    "Heathfield Drive", "Bracken Rise", "Fernhill Road", "Windmill Hill", "Quarry Lane",
    "Limekiln Road", "Colliery Row", "Railway Cottages", "Signal Way", "Sidings Close",
    "Goods Yard Lane", "Viaduct Road", "St Anne's Road", "St Mark's Close", "St Helen's Way",
    "Vicarage Lane", "Rectory Road", "School Lane", "College Road", "Academy Way", "Library Walk",
    "Institute Street", "Park Road", "Park View", "Parkside", "Lakeside", "Riverside Drive",
    "Ferry Lane", "Lock Street", "Towpath Close", "Basin Road", "Marina Way", "Kelham Road",
    "Ashby Lane", "Wyndleigh Road", "Brackenfold Road", "Demminster Road", "Highfield Road",
    "Low Street", "North Street", "South Parade", "West End", "Eastgate", "Northgate Terrace",
    "Southfield Avenue", "Westbury Close", "Newlands Drive", "Oakwood Crescent", "Birch Lane",
    "Alder Close", "Hazel Grove", "Maple Drive", "Laburnum Street", "Lilac Close", "Primrose Way",
    "Bluebell Walk", "Foxglove Close",
];

/// Letters Royal Mail uses in the last two characters of a postcode.
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// One street: its town, postcode, how many houses it has and a point on the map.
pub(crate) struct Street {
    pub name: &'static str,
    pub town: &'static str,
    pub postcode: String,
    pub houses: u32,
    pub lat: f64,
    pub lon: f64,
    index: usize,
}

/// The borough's streets, built once per generation.
pub(crate) struct Geo {
    pub streets: Vec<Street>,
}

impl Geo {
    pub fn new() -> Self {
        let streets = STREET_NAMES
            .iter()
            .enumerate()
            .map(|(i, &name)| {
                let town = &TOWNS[town_of(i, name)];
                let district = town.districts[i % town.districts.len()];
                let digit = (i * 7 + 3) % 9 + 1;
                let a = INWARD_LETTERS[i % INWARD_LETTERS.len()] as char;
                let b = INWARD_LETTERS[(i / INWARD_LETTERS.len() + i * 3) % INWARD_LETTERS.len()] as char;
                let postcode = format!("{district} {digit}{a}{b}");
                Street {
                    name,
                    town: town.name,
                    postcode,
                    houses: 12 + ((i * 37) % 150) as u32,
                    lat: 52.58 + ((i * 13) % 97) as f64 * 0.0011,
                    lon: -1.92 + ((i * 29) % 89) as f64 * 0.0017,
                    index: i,
                }
            })
            .collect();
        Geo { streets }
    }

    /// The street with this name; panics on a name not in the fixed list (a bug here).
    pub fn street(&self, name: &str) -> &Street {
        self.streets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("`{name}` is not one of the demo streets"))
    }

    /// Index of the street with this name, for excluding it from random picks.
    pub fn street_index(&self, name: &str) -> usize {
        self.street(name).index
    }
}

/// The first streets are the town centre of Demminster; a street named after a town is in
/// it (Demminster Road leads out of town); the rest spread over all towns.
fn town_of(i: usize, name: &str) -> usize {
    if name == "Demminster Road" || name == "Limekiln Road" {
        return if name == "Limekiln Road" { 2 } else { 4 };
    }
    if let Some(t) = TOWNS
        .iter()
        .position(|t| name.starts_with(t.name.split(' ').next().unwrap_or(t.name)))
    {
        return t;
    }
    if i < 20 { 0 } else { i % TOWNS.len() }
}

impl Street {
    /// A full postal address on this street. `flat` puts the house in a converted block.
    pub fn address(&self, house: u32, flat: Option<u32>) -> Address {
        let line1 = match flat {
            Some(f) => format!("Flat {f}, {house} {}", self.name),
            None => format!("{house} {}", self.name),
        };
        let uprn = 100_060_000_000_i64
            + self.index as i64 * 10_000
            + i64::from(house) * 10
            + i64::from(flat.unwrap_or(0) % 10);
        Address {
            line1,
            line2: None,
            town: self.town.to_string(),
            postcode: Postcode::parse(&self.postcode).expect("demo street postcodes are built valid"),
            uprn: Some(Uprn::new(uprn).expect("demo UPRNs are 12 digits")),
        }
    }

    /// A named building on this street (a library, a depot), at `house`.
    pub fn building(&self, building: &str, house: u32) -> Address {
        let mut a = self.address(house, None);
        // Flats use digits 1–8 of the UPRN's last place; 9 marks the council's building.
        a.uprn = a.uprn.map(|u| Uprn::new(u.get() + 9).expect("still 12 digits"));
        a.line2 = Some(a.line1);
        a.line1 = building.to_string();
        a
    }
}

/// An address outside the borough, for other councils, national bodies and suppliers.
pub(crate) fn external(line1: &str, line2: Option<&str>, town: &str, postcode: &str) -> Address {
    Address {
        line1: line1.to_string(),
        line2: line2.map(str::to_string),
        town: town.to_string(),
        postcode: Postcode::parse(postcode).expect("demo external postcodes are written valid"),
        uprn: None,
    }
}
