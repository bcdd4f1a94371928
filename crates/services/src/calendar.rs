//! The official working-day calendar with the arrangements an administrator added (spec §7).

use crate::{Ctx, Result};
use gongkai_calendar::Calendar;
use gongkai_store::Store;

impl<S: Store> Ctx<'_, S> {
    /// The official calendar with every arrangement an administrator added, in order.
    pub async fn calendar(&self) -> Result<Calendar> {
        let mut cal = Calendar::official()?;
        for toml in self.store.calendar_overrides().await? {
            cal.merge_toml(&toml)?;
        }
        Ok(cal)
    }

    /// Adds a year's holiday arrangement (the TOML shape of the embedded calendar) after
    /// checking that it merges cleanly; one calendar for the installation, kept by the operator
    /// or an admin of a top-level agency. Returns the years it covers.
    pub async fn import_calendar(&self, toml: &str) -> Result<Vec<i32>> {
        let years: Vec<i32> = Calendar::from_toml(toml)?.known_years().collect();
        self.calendar().await?.merge_toml(toml)?;
        let grant = self.scope.calendar(&self.tree().await?)?;
        let mut audit = self.draft(&grant, "calendar.import", "工作日历").await?;
        audit.set("years", years.clone());
        self.store.add_calendar_override(toml, audit).await?;
        Ok(years)
    }
}

/// The official calendar alone, for a machine without a database.
pub fn official() -> Result<Calendar> {
    Ok(Calendar::official()?)
}

/// The statutory answer deadline of a request described by its dates (第三十三条), explained
/// step by step.
pub fn deadline(
    cal: &Calendar,
    input: &gongkai_calendar::DeadlineInput,
) -> Result<gongkai_calendar::Deadline> {
    gongkai_calendar::compute(cal, input).map_err(|e| crate::ServiceError::Invalid(e.to_string()))
}
