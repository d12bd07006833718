/** The labelled "Service" select every search form has: "All services" (the empty value), then `services`. */
export function ServiceSelect({ value, services, onChange }: { value: string; services: readonly string[]; onChange: (service: string) => void }) {
  return (
    <label>
      <span>Service</span>
      <select name="service" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All services</option>
        {services.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
