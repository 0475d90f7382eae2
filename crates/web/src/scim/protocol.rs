//! The SCIM protocol as Entra ID speaks it: filters, PATCH operations and resource bodies parsed into the
//! store's typed inputs, and the store's views rendered as SCIM resources. Pure functions, unit-tested
//! here with the requests Entra ID sends (tests/http/scim/ holds the same requests as fixtures).

use los_store::scim::{
    GroupChange, GroupFilter, GroupInput, Page, ScimGroup, ScimUser, UserChange, UserFilter, UserInput,
};
use serde_json::{Map, Value, json};

use super::ScimError;

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

// ---- filters ----

/// One `attribute eq value` clause of a filter, the attribute as written and the value.
#[derive(Debug, Clone, PartialEq)]
struct Clause {
    attr: String,
    value: Value,
}

/// Parses a filter of `eq` clauses joined by `and` (what Entra ID sends); anything else is `invalidFilter`.
fn clauses(filter: &str) -> Result<Vec<Clause>, ScimError> {
    let tokens = tokenize(filter)?;
    let mut out = Vec::new();
    let mut it = tokens.into_iter();
    loop {
        let (Some(Token::Word(attr)), Some(Token::Word(op))) = (it.next(), it.next()) else {
            return Err(ScimError::invalid_filter("a filter is 'attribute eq \"value\"', joined by 'and'"));
        };
        if !op.eq_ignore_ascii_case("eq") {
            return Err(ScimError::invalid_filter(format!("the operator '{op}' is not supported; only 'eq' is")));
        }
        let value = match it.next() {
            Some(Token::Quoted(s)) => Value::String(s),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => Value::Null,
            // Microsoft's documentation shows `externalId eq jyoung`, unquoted.
            Some(Token::Word(w)) => Value::String(w),
            None => return Err(ScimError::invalid_filter("the filter ends without a value")),
        };
        out.push(Clause { attr, value });
        match it.next() {
            None => return Ok(out),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("and") => {}
            Some(_) => return Err(ScimError::invalid_filter("only 'and' may join clauses of a filter")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
}

fn tokenize(s: &str) -> Result<Vec<Token>, ScimError> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            // A JSON string: find its end (an unescaped quote) and decode it as JSON does.
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            if i >= chars.len() {
                return Err(ScimError::invalid_filter("a quoted value is not closed"));
            }
            i += 1;
            let raw: String = chars[start..i].iter().collect();
            let v: String = serde_json::from_str(&raw)
                .map_err(|_| ScimError::invalid_filter("a quoted value is not a valid string"))?;
            out.push(Token::Quoted(v));
        } else if c == '(' || c == ')' {
            return Err(ScimError::invalid_filter("grouping with parentheses is not supported"));
        } else {
            let start = i;
            let mut depth = 0;
            while i < chars.len() && (depth > 0 || !chars[i].is_whitespace()) {
                match chars[i] {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    '"' if depth > 0 => {
                        i += 1;
                        while i < chars.len() && chars[i] != '"' {
                            i += if chars[i] == '\\' { 2 } else { 1 };
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if depth != 0 {
                return Err(ScimError::invalid_filter("a '[' is not closed"));
            }
            out.push(Token::Word(chars[start..i.min(chars.len())].iter().collect()));
        }
    }
    Ok(out)
}

/// An attribute name without its schema URN, in lower case (attribute names are not case-sensitive).
fn attr_name(a: &str, schema: &str) -> String {
    let lower = a.to_ascii_lowercase();
    let prefix = format!("{}:", schema.to_ascii_lowercase());
    lower.strip_prefix(&prefix).map(str::to_owned).unwrap_or(lower)
}

fn string_value(c: &Clause) -> Result<String, ScimError> {
    c.value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ScimError::invalid_filter(format!("{} is compared with a string", c.attr)))
}

/// Is this a path to the work e-mail address (`emails[type eq "work"].value`, `emails.value`, `emails`)?
fn is_work_email(name: &str) -> bool {
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(compact.as_str(), "emails" | "emails.value" | "emails[typeeq\"work\"].value" | "emails[typeeq\"work\"]")
}

/// A user filter.
pub fn user_filter(filter: Option<&str>) -> Result<Vec<UserFilter>, ScimError> {
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else { return Ok(Vec::new()) };
    clauses(filter)?
        .into_iter()
        .map(|c| {
            let name = attr_name(&c.attr, USER_SCHEMA);
            Ok(match name.as_str() {
                "id" => UserFilter::Id(string_value(&c)?),
                "username" => UserFilter::UserName(string_value(&c)?),
                "externalid" => UserFilter::ExternalId(string_value(&c)?),
                "displayname" => UserFilter::DisplayName(string_value(&c)?),
                "active" => UserFilter::Active(
                    flexible_bool(&c.value).ok_or_else(|| ScimError::invalid_filter("active is true or false"))?,
                ),
                n if is_work_email(n) => UserFilter::Email(string_value(&c)?),
                _ => return Err(ScimError::invalid_filter(format!("filtering users on {} is not supported", c.attr))),
            })
        })
        .collect()
}

/// A group filter.
pub fn group_filter(filter: Option<&str>) -> Result<Vec<GroupFilter>, ScimError> {
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else { return Ok(Vec::new()) };
    clauses(filter)?
        .into_iter()
        .map(|c| {
            let name = attr_name(&c.attr, GROUP_SCHEMA);
            Ok(match name.as_str() {
                "id" => GroupFilter::Id(string_value(&c)?),
                "displayname" => GroupFilter::DisplayName(string_value(&c)?),
                "externalid" => GroupFilter::ExternalId(string_value(&c)?),
                "members" | "members.value" => GroupFilter::Member(string_value(&c)?),
                _ => {
                    return Err(ScimError::invalid_filter(format!("filtering groups on {} is not supported", c.attr)));
                }
            })
        })
        .collect()
}

/// `true`/`false`, or Entra ID's `"True"`/`"False"` strings (sent without the aadOptscim062020 flag).
fn flexible_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

// ---- resource bodies ----

fn object(body: &Value) -> Result<&Map<String, Value>, ScimError> {
    body.as_object().ok_or_else(|| ScimError::invalid_syntax("the body is a JSON object"))
}

/// The value of a key, found without regard to case.
fn get<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v).filter(|v| !v.is_null())
}

fn opt_string(v: Option<&Value>, field: &str) -> Result<Option<String>, ScimError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ScimError::invalid_value(format!("{field} is a string"))),
    }
}

/// The work address of an `emails` value: the one of type work, else the primary, else the first.
fn work_email(v: &Value) -> Result<Option<String>, ScimError> {
    let list = match v {
        Value::Null => return Ok(None),
        Value::Array(a) => a.as_slice(),
        Value::Object(_) => std::slice::from_ref(v),
        _ => return Err(ScimError::invalid_value("emails is a list of {value, type, primary}")),
    };
    let mut objects = Vec::new();
    for e in list {
        objects.push(e.as_object().ok_or_else(|| ScimError::invalid_value("each of emails is an object"))?);
    }
    let pick = objects
        .iter()
        .find(|e| get(e, "type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("work")))
        .or_else(|| objects.iter().find(|e| get(e, "primary").and_then(flexible_bool_ref) == Some(true)))
        .or_else(|| objects.first());
    match pick {
        Some(e) => opt_string(get(e, "value"), "emails.value"),
        None => Ok(None),
    }
}

fn flexible_bool_ref(v: &Value) -> Option<bool> {
    flexible_bool(v)
}

/// A user as POST or PUT sends it.
pub fn user_input(body: &Value) -> Result<UserInput, ScimError> {
    let o = object(body)?;
    let user_name = match get(o, "userName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | None => return Err(ScimError::invalid_value("userName is required")),
        Some(_) => return Err(ScimError::invalid_value("userName is a string")),
    };
    let active = match get(o, "active") {
        None => true,
        Some(v) => flexible_bool(v).ok_or_else(|| ScimError::invalid_value("active is true or false"))?,
    };
    let name = match get(o, "name") {
        None => None,
        Some(Value::Object(n)) => Some(n),
        Some(_) => return Err(ScimError::invalid_value("name is an object")),
    };
    let part = |key: &str| -> Result<Option<String>, ScimError> {
        name.map_or(Ok(None), |n| opt_string(get(n, key), &format!("name.{key}")))
    };
    Ok(UserInput {
        user_name,
        external_id: opt_string(get(o, "externalId"), "externalId")?,
        active,
        display_name: opt_string(get(o, "displayName"), "displayName")?,
        given_name: part("givenName")?,
        family_name: part("familyName")?,
        formatted_name: part("formatted")?,
        email: get(o, "emails").map(work_email).transpose()?.flatten(),
    })
}

/// A group as POST sends it.
pub fn group_input(body: &Value) -> Result<GroupInput, ScimError> {
    let o = object(body)?;
    let display_name = match get(o, "displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | None => return Err(ScimError::invalid_value("displayName is required")),
        Some(_) => return Err(ScimError::invalid_value("displayName is a string")),
    };
    Ok(GroupInput {
        display_name,
        external_id: opt_string(get(o, "externalId"), "externalId")?,
        members: get(o, "members").map(member_ids).transpose()?.unwrap_or_default(),
    })
}

/// The user ids of a `members` value: `[{"value": id, "$ref": …}]`, or one such object.
fn member_ids(v: &Value) -> Result<Vec<String>, ScimError> {
    let list = match v {
        Value::Array(a) => a.as_slice(),
        Value::Object(_) => std::slice::from_ref(v),
        Value::Null => return Ok(Vec::new()),
        _ => return Err(ScimError::invalid_value("members is a list of {\"value\": id}")),
    };
    list.iter()
        .map(|m| {
            m.as_object()
                .and_then(|m| get(m, "value"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ScimError::invalid_value("each member has a \"value\" with the user's id"))
        })
        .collect()
}

// ---- PATCH ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// The operations of a PATCH body: op (case-insensitive: Entra ID sends "Replace", "Add", "Remove"),
/// path and value.
fn operations(body: &Value) -> Result<Vec<(Op, Option<String>, Value)>, ScimError> {
    let o = object(body)?;
    let ops = get(o, "Operations")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ScimError::invalid_syntax("a PATCH body has a non-empty \"Operations\" list"))?;
    ops.iter()
        .map(|op| {
            let op = op.as_object().ok_or_else(|| ScimError::invalid_syntax("each operation is an object"))?;
            let kind = match get(op, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                Some("add") => Op::Add,
                Some("replace") => Op::Replace,
                Some("remove") => Op::Remove,
                _ => return Err(ScimError::invalid_syntax("op is add, replace or remove")),
            };
            let path = match get(op, "path") {
                None => None,
                Some(Value::String(p)) if p.trim().is_empty() => None,
                Some(Value::String(p)) => Some(p.trim().to_owned()),
                Some(_) => return Err(ScimError::invalid_path("path is a string")),
            };
            let value = get(op, "value").cloned().unwrap_or(Value::Null);
            if path.is_none() && kind == Op::Remove {
                return Err(ScimError::no_target("remove needs a path"));
            }
            if path.is_none() && !value.is_object() {
                return Err(ScimError::invalid_value("an operation without a path has an object as its value"));
            }
            if let Some(p) = &path
                && (p.matches('[').count() != p.matches(']').count() || p.chars().any(char::is_control))
            {
                return Err(ScimError::invalid_path(format!("'{p}' is not an attribute path")));
            }
            Ok((kind, path, value))
        })
        .collect()
}

/// The changes of a PATCH to a user, in order. Attributes Los does not keep (nickName, title, the
/// enterprise extension…) are accepted and ignored.
pub fn user_changes(body: &Value) -> Result<Vec<UserChange>, ScimError> {
    let mut out = Vec::new();
    for (op, path, value) in operations(body)? {
        match path {
            Some(p) => user_change(op, &p, &value, &mut out)?,
            None => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    user_change(op, k, v, &mut out)?;
                }
            }
        }
    }
    Ok(out)
}

fn user_change(op: Op, path: &str, value: &Value, out: &mut Vec<UserChange>) -> Result<(), ScimError> {
    let name = attr_name(path, USER_SCHEMA);
    let text = |field: &str| -> Result<Option<String>, ScimError> {
        if op == Op::Remove { Ok(None) } else { opt_string(Some(value), field) }
    };
    match name.as_str() {
        "username" => match text("userName")? {
            Some(v) => out.push(UserChange::UserName(v)),
            None => return Err(ScimError::mutability("userName is required and cannot be removed")),
        },
        "externalid" => out.push(UserChange::ExternalId(text("externalId")?)),
        "displayname" => out.push(UserChange::DisplayName(text("displayName")?)),
        "name.givenname" => out.push(UserChange::GivenName(text("name.givenName")?)),
        "name.familyname" => out.push(UserChange::FamilyName(text("name.familyName")?)),
        "name.formatted" => out.push(UserChange::FormattedName(text("name.formatted")?)),
        "name" => {
            if op == Op::Remove {
                out.extend([
                    UserChange::GivenName(None),
                    UserChange::FamilyName(None),
                    UserChange::FormattedName(None),
                ]);
            } else {
                let n = value.as_object().ok_or_else(|| ScimError::invalid_value("name is an object"))?;
                for (k, v) in n {
                    user_change(op, &format!("name.{k}"), v, out)?;
                }
            }
        }
        "active" => {
            if op == Op::Remove {
                return Err(ScimError::mutability("active cannot be removed"));
            }
            let b = flexible_bool(value).ok_or_else(|| ScimError::invalid_value("active is true or false"))?;
            out.push(UserChange::Active(b));
        }
        "emails" if op != Op::Remove => out.push(UserChange::Email(work_email(value)?)),
        n if is_work_email(n) => out.push(UserChange::Email(text("emails")?)),
        _ => {}
    }
    Ok(())
}

/// The changes of a PATCH to a group, in order: rename, and members added or removed by value (also as
/// `members[value eq "id"]`, as Entra ID sends it with the aadOptscim062020 flag).
pub fn group_changes(body: &Value) -> Result<Vec<GroupChange>, ScimError> {
    let mut out = Vec::new();
    for (op, path, value) in operations(body)? {
        match path {
            Some(p) => group_change(op, &p, &value, &mut out)?,
            None => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    group_change(op, k, v, &mut out)?;
                }
            }
        }
    }
    Ok(out)
}

fn group_change(op: Op, path: &str, value: &Value, out: &mut Vec<GroupChange>) -> Result<(), ScimError> {
    let name = attr_name(path, GROUP_SCHEMA);
    match name.as_str() {
        "displayname" => match (op, value) {
            (Op::Remove, _) => return Err(ScimError::mutability("displayName is required and cannot be removed")),
            (_, Value::String(s)) => out.push(GroupChange::DisplayName(s.clone())),
            _ => return Err(ScimError::invalid_value("displayName is a string")),
        },
        "externalid" => out.push(GroupChange::ExternalId(if op == Op::Remove {
            None
        } else {
            opt_string(Some(value), "externalId")?
        })),
        "members" => out.push(match op {
            Op::Add => GroupChange::AddMembers(member_ids(value)?),
            Op::Replace => GroupChange::ReplaceMembers(member_ids(value)?),
            Op::Remove if value.is_null() => GroupChange::ReplaceMembers(Vec::new()),
            Op::Remove => GroupChange::RemoveMembers(member_ids(value)?),
        }),
        n if n.starts_with("members[") => {
            // members[value eq "id"]: a filter on the member's value.
            let inner = n
                .strip_prefix("members[")
                .and_then(|r| r.strip_suffix(']'))
                .ok_or_else(|| ScimError::invalid_path(format!("'{path}' is not a path Los knows")))?;
            let original = &path[path.len() - inner.len() - 1..path.len() - 1];
            let ids = clauses(original)
                .map_err(|_| ScimError::invalid_path(format!("'{path}' is not a path Los knows")))?
                .into_iter()
                .map(|c| match (c.attr.eq_ignore_ascii_case("value"), c.value) {
                    (true, Value::String(s)) => Ok(s),
                    _ => Err(ScimError::invalid_path("members are chosen by 'value eq \"id\"'")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            match op {
                Op::Remove => out.push(GroupChange::RemoveMembers(ids)),
                _ => return Err(ScimError::invalid_path("a filtered members path is only for remove")),
            }
        }
        _ => {}
    }
    Ok(())
}

// ---- rendering ----

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A user resource.
pub fn user_json(u: &ScimUser, base: &str) -> Value {
    let mut v = json!({
        "schemas": [USER_SCHEMA],
        "id": u.id,
        "userName": u.user_name,
        "active": u.active,
        "displayName": u.display_name,
        "meta": {
            "resourceType": "User",
            "created": time(u.created_at),
            "lastModified": time(u.updated_at),
            "location": format!("{base}/Users/{}", u.id),
        },
    });
    if let Some(e) = &u.external_id {
        v["externalId"] = json!(e);
    }
    let mut name = Map::new();
    for (k, val) in [("givenName", &u.given_name), ("familyName", &u.family_name), ("formatted", &u.formatted_name)] {
        if let Some(val) = val {
            name.insert(k.into(), json!(val));
        }
    }
    if !name.is_empty() {
        v["name"] = Value::Object(name);
    }
    if let Some(e) = &u.email {
        v["emails"] = json!([{"value": e, "type": "work", "primary": true}]);
    }
    v
}

/// A group resource (members only when they were loaded).
pub fn group_json(g: &ScimGroup, base: &str, with_members: bool) -> Value {
    let mut v = json!({
        "schemas": [GROUP_SCHEMA],
        "id": g.id,
        "displayName": g.display_name,
        "meta": {
            "resourceType": "Group",
            "created": time(g.created_at),
            "lastModified": time(g.updated_at),
            "location": format!("{base}/Groups/{}", g.id),
        },
    });
    if let Some(e) = &g.external_id {
        v["externalId"] = json!(e);
    }
    if with_members {
        v["members"] = g
            .members
            .iter()
            .map(|(id, name)| json!({"value": id, "display": name, "$ref": format!("{base}/Users/{id}")}))
            .collect();
    }
    v
}

/// A list response.
pub fn list_json<T>(page: &Page<T>, render: impl Fn(&T) -> Value) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": page.total,
        "startIndex": page.start_index,
        "itemsPerPage": page.items.len(),
        "Resources": page.items.iter().map(render).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/../../tests/http/scim/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect("fixture is JSON")
    }

    #[test]
    fn filters_entra_sends() {
        assert_eq!(
            user_filter(Some(r#"userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee""#)).unwrap(),
            vec![UserFilter::UserName("Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee".into())]
        );
        assert_eq!(user_filter(Some("externalId eq jyoung")).unwrap(), vec![UserFilter::ExternalId("jyoung".into())]);
        assert_eq!(
            user_filter(Some(r#"emails[type eq "work"].value eq "a@b.no""#)).unwrap(),
            vec![UserFilter::Email("a@b.no".into())]
        );
        assert_eq!(
            user_filter(Some(r#"USERNAME EQ "x" and externalId eq "y\"z""#)).unwrap(),
            vec![UserFilter::UserName("x".into()), UserFilter::ExternalId("y\"z".into())]
        );
        assert_eq!(
            group_filter(Some(r#"displayName eq "displayName""#)).unwrap(),
            vec![GroupFilter::DisplayName("displayName".into())]
        );
        assert_eq!(user_filter(Some("  ")).unwrap(), vec![]);
        assert_eq!(user_filter(Some("active eq true")).unwrap(), vec![UserFilter::Active(true)]);
    }

    #[test]
    fn filters_not_supported_are_invalid_filter() {
        for f in [
            r#"userName ne "x""#,
            r#"userName co "x""#,
            r#"userName eq "x" or userName eq "y""#,
            r#"(userName eq "x")"#,
            r#"userName eq "x"#,
            "userName eq",
            "userName",
            r#"title eq "x""#,
            r#"emails[type eq "work".value eq "x""#,
            r#"userName eq "x" and"#,
            "active eq maybe",
        ] {
            let e = user_filter(Some(f)).unwrap_err();
            assert_eq!((e.status.as_u16(), e.scim_type), (400, Some("invalidFilter")), "{f}");
        }
    }

    #[test]
    fn entra_create_user_parses() {
        let u = user_input(&fixture("01-create-user.POST-Users.json")).unwrap();
        assert_eq!(u.user_name, "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee");
        assert_eq!(u.external_id.as_deref(), Some("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"));
        assert!(u.active);
        assert_eq!(u.email.as_deref(), Some("Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"));
        assert_eq!(u.formatted_name.as_deref(), Some("givenName familyName"));
        assert_eq!((u.given_name.as_deref(), u.family_name.as_deref()), (Some("givenName"), Some("familyName")));
    }

    #[test]
    fn bad_user_bodies_are_refused() {
        for body in [
            json!([]),
            json!({"externalId": "x"}),
            json!({"userName": 5}),
            json!({"userName": "x", "active": "maybe"}),
            json!({"userName": "x", "emails": "a@b"}),
            json!({"userName": "x", "name": "x"}),
        ] {
            assert!(user_input(&body).is_err(), "{body}");
        }
    }

    #[test]
    fn entra_user_patches_parse() {
        assert_eq!(
            user_changes(&fixture("04-update-user-multivalued.PATCH-Users-id.json")).unwrap(),
            vec![
                UserChange::Email(Some("updatedEmail@microsoft.com".into())),
                UserChange::FamilyName(Some("updatedFamilyName".into()))
            ]
        );
        assert_eq!(
            user_changes(&fixture("05-update-user-singlevalued.PATCH-Users-id.json")).unwrap(),
            vec![UserChange::UserName("5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com".into())]
        );
        for f in
            ["06-disable-user.PATCH-Users-id.json", "disable-user.without-flag.json", "disable-user.with-flag.json"]
        {
            assert_eq!(user_changes(&fixture(f)).unwrap(), vec![UserChange::Active(false)], "{f}");
        }
        // Several path-ful Replace ops; the enterprise extension's employeeNumber is not kept.
        assert_eq!(
            user_changes(&fixture("replace-multiple-attributes.without-flag.json")).unwrap(),
            vec![
                UserChange::DisplayName(Some("Pvlo".into())),
                UserChange::Email(Some("TestBcwqnm@test.microsoft.com".into())),
                UserChange::GivenName(Some("Gtfd".into())),
                UserChange::FamilyName(Some("Pkqf".into())),
                UserChange::ExternalId(Some("Eqpj".into())),
            ]
        );
        // One path-less replace whose value's keys are attribute paths (applied in the keys' order: they are
        // distinct attributes, so the order does not matter).
        assert_eq!(
            user_changes(&fixture("replace-multiple-attributes.with-flag.json")).unwrap(),
            vec![
                UserChange::Email(Some("TestMhvaes@test.microsoft.com".into())),
                UserChange::DisplayName(Some("Bjfe".into())),
                UserChange::FamilyName(Some("Unua".into())),
                UserChange::GivenName(Some("Kkom".into())),
            ]
        );
        // nickName is not kept: accepted, nothing changes.
        assert_eq!(user_changes(&fixture("add-single-value-attribute.without-flag.json")).unwrap(), vec![]);
    }

    #[test]
    fn bad_patches_are_refused() {
        for (body, kind) in [
            (json!({"Operations": []}), "invalidSyntax"),
            (json!({"schemas": [PATCH_SCHEMA]}), "invalidSyntax"),
            (json!({"Operations": [{"op": "Frobnicate", "path": "active", "value": true}]}), "invalidSyntax"),
            (json!({"Operations": [{"op": "Replace", "path": "active", "value": "Maybe"}]}), "invalidValue"),
            (json!({"Operations": [{"op": "Replace", "path": "userName", "value": 7}]}), "invalidValue"),
            (json!({"Operations": [{"op": "Remove", "path": "userName"}]}), "mutability"),
            (json!({"Operations": [{"op": "Remove"}]}), "noTarget"),
            (
                json!({"Operations": [{"op": "Replace", "path": "emails[type eq \"work\".value", "value": "x"}]}),
                "invalidPath",
            ),
            (json!({"Operations": [{"op": "Replace", "value": "x"}]}), "invalidValue"),
        ] {
            let e = user_changes(&body).unwrap_err();
            assert_eq!(e.scim_type, Some(kind), "{body}");
            assert_eq!(e.status.as_u16(), 400);
        }
    }

    #[test]
    fn entra_group_requests_parse() {
        let g = group_input(&fixture("08-create-group.POST-Groups.json")).unwrap();
        assert_eq!((g.display_name.as_str(), g.members.len()), ("displayName", 0));
        assert_eq!(g.external_id.as_deref(), Some("8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"));
        assert_eq!(
            group_changes(&fixture("11-update-group-displayname.PATCH-Groups-id.json")).unwrap(),
            vec![GroupChange::DisplayName("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName".into())]
        );
        assert_eq!(
            group_changes(&fixture("12-update-group-add-members.PATCH-Groups-id.json")).unwrap(),
            vec![GroupChange::AddMembers(vec!["f648f8d5ea4e4cd38e9c".into()])]
        );
        assert_eq!(
            group_changes(&fixture("13-update-group-remove-members.PATCH-Groups-id.json")).unwrap(),
            vec![GroupChange::RemoveMembers(vec!["f648f8d5ea4e4cd38e9c".into()])]
        );
        assert_eq!(
            group_changes(&fixture("remove-group-member.with-flag.json")).unwrap(),
            vec![GroupChange::RemoveMembers(vec!["7f4bc1a3-285e-48ae-8202-5accb43efb0e".into()])]
        );
        assert_eq!(
            group_changes(&fixture("remove-group-member.without-flag.json")).unwrap(),
            vec![GroupChange::RemoveMembers(vec!["u1091".into()])]
        );
        assert!(
            group_changes(&json!({"Operations": [{"op": "Add", "path": "members", "value": [{"$ref": null}]}]}))
                .is_err()
        );
        assert!(group_input(&json!({"displayName": ""})).is_err());
    }
}
