//! Customer lists as CSV: columns detected from the header (FEBRL's and common CRM export
//! names) or mapped by hand ("id=rec_id,given_name=forename,address=line1+line2").
//! Identity numbers (FEBRL's `soc_sec_id`) and unknown columns are ignored.

use super::{MatchError, Record};

/// The record parts a column can feed.
const PARTS: &[&str] = &[
    "id",
    "given_name",
    "surname",
    "name",
    "street_number",
    "address",
    "locality",
    "postcode",
    "date_of_birth",
    "email",
    "phone",
];

fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Which part a header name usually means, if any.
fn detect(h: &str) -> Option<&'static str> {
    Some(match h {
        "id" | "rec_id" | "record_id" | "customer_id" | "customer_ref" | "ref" | "reference" | "urn" | "key" => "id",
        "given_name" | "given_names" | "first_name" | "firstname" | "forename" | "forenames" | "given" => "given_name",
        "surname" | "last_name" | "lastname" | "family_name" => "surname",
        "name" | "full_name" | "customer_name" => "name",
        "street_number" | "house_number" | "number" | "house_no" => "street_number",
        "address" | "address_1" | "address1" | "address_line_1" | "address_line1" | "line1" | "line_1" | "street"
        | "address_2" | "address2" | "address_line_2" | "address_line2" | "line2" | "line_2" => "address",
        "suburb" | "town" | "city" | "locality" | "address_3" | "address3" | "address_line_3" | "district" => {
            "locality"
        }
        "postcode" | "post_code" | "postal_code" | "zip" => "postcode",
        "date_of_birth" | "dob" | "birth_date" | "birthdate" => "date_of_birth",
        "email" | "email_address" | "e_mail" => "email",
        "phone" | "telephone" | "tel" | "mobile" | "phone_number" | "telephone_number" => "phone",
        _ => return None,
    })
}

/// Parses `--columns`: "part=column" pairs separated by commas; a part may take several
/// columns joined with "+" (address lines). Unknown parts are an error.
pub fn parse_mapping(spec: &str) -> Result<Vec<(String, Vec<String>)>, MatchError> {
    let mut out = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (part, cols) = item.split_once('=').ok_or_else(|| MatchError::Column {
            column: item.to_string(),
            message: "expected part=column, e.g. id=rec_id".into(),
        })?;
        let part = part.trim();
        if !PARTS.contains(&part) {
            return Err(MatchError::Column {
                column: part.to_string(),
                message: format!("unknown part; expected one of {}", PARTS.join(", ")),
            });
        }
        out.push((
            part.to_string(),
            cols.split('+').map(|c| c.trim().to_string()).collect(),
        ));
    }
    Ok(out)
}

/// Reads customer records from CSV bytes. `mapping` overrides detection for the parts it
/// names. Errors name the line (and column) at fault.
pub fn read_records(bytes: &[u8], mapping: &[(String, Vec<String>)]) -> Result<Vec<Record>, MatchError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = reader.headers().map_err(|e| MatchError::Csv(e.to_string()))?.clone();
    let keys: Vec<String> = headers.iter().map(header_key).collect();
    // part -> column indexes
    let mut columns: Vec<(&'static str, Vec<usize>)> = PARTS.iter().map(|&p| (p, Vec::new())).collect();
    let mapped: Vec<&str> = mapping.iter().map(|(p, _)| p.as_str()).collect();
    for (i, k) in keys.iter().enumerate() {
        if let Some(part) = detect(k)
            && !mapped.contains(&part)
            && let Some(slot) = columns.iter_mut().find(|(p, _)| *p == part)
        {
            slot.1.push(i);
        }
    }
    for (part, cols) in mapping {
        let Some(slot) = columns.iter_mut().find(|(p, _)| p == part) else {
            continue;
        };
        for c in cols {
            let i = headers
                .iter()
                .position(|h| h.trim() == c)
                .or_else(|| keys.iter().position(|k| *k == header_key(c)))
                .ok_or_else(|| MatchError::Column {
                    column: c.clone(),
                    message: format!("not in the header ({})", headers.iter().collect::<Vec<_>>().join(",")),
                })?;
            slot.1.push(i);
        }
    }
    let col = |p: &str| {
        columns
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[])
    };
    let id_col = match col("id") {
        [i] => *i,
        [] => {
            return Err(MatchError::Column {
                column: "id".into(),
                message: "no id column found; name it with --columns id=COLUMN".into(),
            });
        }
        _ => {
            return Err(MatchError::Column {
                column: "id".into(),
                message: "several columns look like the id; choose one with --columns id=COLUMN".into(),
            });
        }
    };
    if col("given_name").is_empty() && col("surname").is_empty() && col("name").is_empty() {
        return Err(MatchError::Column {
            column: "name".into(),
            message: "no name columns found (given_name, surname or name); map them with --columns".into(),
        });
    }
    let (given_c, surname_c, name_c) = (col("given_name"), col("surname"), col("name"));
    let (number_c, address_c, locality_c) = (col("street_number"), col("address"), col("locality"));
    let (postcode_c, dob_c, email_c, phone_c) = (col("postcode"), col("date_of_birth"), col("email"), col("phone"));
    let mut records = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let mut row = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { err, .. } => format!("not UTF-8 text (field {})", err.field() + 1),
                    _ => e.to_string(),
                };
                return Err(MatchError::Line { line, message });
            }
        }
        let line = row.position().map_or(0, |p| p.line());
        let join = |cs: &[usize], sep: &str| -> String {
            cs.iter()
                .filter_map(|&i| row.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(sep)
        };
        let id = row.get(id_col).unwrap_or_default().trim().to_string();
        if id.is_empty() {
            return Err(MatchError::Line {
                line,
                message: format!("empty id (column {:?})", headers.get(id_col).unwrap_or_default()),
            });
        }
        if let Some(first) = seen.insert(id.clone(), line) {
            return Err(MatchError::Line {
                line,
                message: format!("id {id:?} already used on line {first}"),
            });
        }
        let mut given = join(given_c, " ");
        let mut surname = join(surname_c, " ");
        if given.is_empty() && surname.is_empty() {
            given = join(name_c, " ");
            surname = String::new();
        }
        let number = join(number_c, " ");
        let mut lines: Vec<String> = address_c
            .iter()
            .filter_map(|&i| row.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !number.is_empty() {
            match lines.first_mut() {
                Some(first) => *first = format!("{number} {first}"),
                None => lines.push(number),
            }
        }
        records.push(Record {
            id,
            given_name: given,
            surname,
            address: lines.join(", "),
            locality: join(locality_c, " "),
            postcode: join(postcode_c, " "),
            date_of_birth: join(dob_c, " "),
            email: join(email_c, " "),
            phone: join(phone_c, " "),
        });
    }
    Ok(records)
}

/// Appends one CSV row (fields quoted when they hold a comma, quote or line break).
pub fn write_row(out: &mut Vec<u8>, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.push(b'"');
            out.extend_from_slice(f.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(f.as_bytes());
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn febrl_header_detected_and_identity_number_ignored() {
        let csv = "rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id\n\
                   rec-1,mitchell,green,7,wallaby place,delmar,cleveland,2119,sa,19560409,1804974\n";
        let r = read_records(csv.as_bytes(), &[]).unwrap();
        assert_eq!(r[0].id, "rec-1");
        assert_eq!(r[0].address, "7 wallaby place, delmar");
        assert_eq!(r[0].locality, "cleveland");
        assert_eq!(r[0].date_of_birth, "19560409");
        assert!(!format!("{:?}", r[0]).contains("1804974"));
    }

    #[test]
    fn mapping_and_errors_name_the_place() {
        let csv = "ref,fn,ln,addr1,addr2\nA1,Jo,Bloggs,Flat 2,10 High St\nA2,Jim\n";
        let m = parse_mapping("id=ref,given_name=fn,surname=ln,address=addr1+addr2").unwrap();
        let e = read_records(csv.as_bytes(), &m).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        let good = "ref,fn,ln,addr1,addr2\nA1,Jo,Bloggs,Flat 2,10 High St\n";
        let r = read_records(good.as_bytes(), &m).unwrap();
        assert_eq!(r[0].address, "Flat 2, 10 High St");
        assert!(parse_mapping("colour=x").is_err());
        let e = read_records(csv.as_bytes(), &parse_mapping("id=nope").unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope"), "{e}");
        let e = read_records(b"x,y\n1,2\n", &[]).unwrap_err().to_string();
        assert!(e.contains("id"), "{e}");
    }
}
