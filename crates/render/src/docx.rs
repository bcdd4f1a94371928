use gongkai_report::Report;
pub fn render(_report: &Report) -> Result<Vec<u8>, crate::RenderError> {
    Ok(Vec::new())
}
